printf 'alloc 1 8 scan\n' | gomem allocsim -
