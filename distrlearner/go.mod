module github.com/fastslow/distrlearner

go 1.26.8

require (
	github.com/fastslow/stream v0.0.0
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/sbinet/npyio v0.6.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	gonum.org/v1/gonum v0.17.0 // indirect
)

replace github.com/fastslow/stream => ../stream
