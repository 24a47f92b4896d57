printf 'hello world\nthis is not a goroutine dump\n' | gomem goroutines -
