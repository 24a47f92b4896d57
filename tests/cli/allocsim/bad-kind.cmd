printf '# ok\n\na 1 8 sacn\n' | gomem allocsim
