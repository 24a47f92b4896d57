printf 'go 1.9 trace\000\000\000\000' | gomem trace -
