gomem layout
