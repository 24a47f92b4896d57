gomem escape --diff --format csv tests/data/escape/before-json tests/data/escape/after-json | cut -d, -f1-6
