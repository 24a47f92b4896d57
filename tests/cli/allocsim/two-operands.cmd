gomem allocsim a b
