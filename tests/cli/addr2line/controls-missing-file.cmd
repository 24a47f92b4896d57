gomem addr2line "$(printf 'no\033[2Jsuch\302\233\233')" 0x1
