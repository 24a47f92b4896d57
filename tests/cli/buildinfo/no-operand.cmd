gomem buildinfo
