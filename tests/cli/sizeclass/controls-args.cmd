gomem sizeclass --go "$(printf '1.\033]0;x\007\302\233\233')" 64; gomem sizeclass "$(printf '64\033[2J')"
