package evil

func F() *int { // ]0;pwned[2J
	v := 1
	return &v // Â›2J›31m
}
