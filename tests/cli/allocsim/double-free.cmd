printf 'a 1 8 scan\nf 1\nf 1\n' | gomem allocsim
