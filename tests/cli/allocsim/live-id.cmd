printf 'a 1 8 scan\na 1 16 noscan\n' | gomem allocsim
