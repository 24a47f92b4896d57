gomem buildinfo /dev/zero
