printf 'goroutine 1 [running]:\nmain.main()\n\t/src/stack.go:12345678901234567890 +0x1d\n' | gomem goroutines --full -
