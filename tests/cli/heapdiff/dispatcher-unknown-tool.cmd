gomem frobnicate
