module gomem.example/heapserve

go 1.19
