printf 'goroutine 1 [running]:\nmain.main()\n\t/src/main.go:5 +0x1d' | gomem goroutines --format csv -
