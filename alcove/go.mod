module github.com/fastslow/alcove

go 1.26.8

require (
	github.com/fastslow/stream v0.0.0
	github.com/stretchr/testify v1.12.1
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect

replace github.com/fastslow/stream => ../stream
