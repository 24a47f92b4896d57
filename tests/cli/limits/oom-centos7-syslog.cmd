gomem limits --oom tests/data/limits/oom/public/centos7-syslog.log
