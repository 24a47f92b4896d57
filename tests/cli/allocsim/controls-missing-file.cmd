gomem allocsim "$(printf 'no\033]0;x\007such\302\233\233')"
