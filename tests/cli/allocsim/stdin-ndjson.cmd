printf 'a 1 8 scan\ngc\n' | gomem allocsim --format ndjson
