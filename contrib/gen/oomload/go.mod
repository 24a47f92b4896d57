module oomload

go 1.19
