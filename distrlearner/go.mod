module github.com/fastslow/distrlearner

go 1.26.8

require github.com/fastslow/stream v0.0.0

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
)

replace github.com/fastslow/stream => ../stream
