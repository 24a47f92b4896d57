gomem trace --mmu --format tsv --window 1500ns,100us,1ms,10ms --mmu-flags 'perProc|stw|background|assist|sweep' tests/data/trace/go1.22-alloc.trace
