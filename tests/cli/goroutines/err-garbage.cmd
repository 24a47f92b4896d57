printf 'hello\nthis is not a dump\n\001\002\003\n' | gomem goroutines -
