module github.com/fastslow/stream

go 1.26.8

require github.com/sbinet/npyio v0.6.0

require gonum.org/v1/gonum v0.17.0 // indirect
