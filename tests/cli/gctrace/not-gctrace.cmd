gomem gctrace COPYING
