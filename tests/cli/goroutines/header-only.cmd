printf 'panic: boom\n\ngoroutine 1 [running]:\n' | gomem goroutines --format csv -
