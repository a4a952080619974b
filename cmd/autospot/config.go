package main

import (
	"fmt"
	"time"
)

// config is the server's configuration, read from environment variables.
// Every variable is documented in the README's configuration table.
type config struct {
	// Addr is the listen address (AUTOSPOT_ADDR, default ":8000", the seed's port).
	Addr string
	// ShutdownTimeout bounds graceful shutdown (AUTOSPOT_SHUTDOWN_TIMEOUT, default 15s).
	ShutdownTimeout time.Duration
}

func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{Addr: ":8000", ShutdownTimeout: 15 * time.Second}
	if v := getenv("AUTOSPOT_ADDR"); v != "" {
		cfg.Addr = v
	}
	if v := getenv("AUTOSPOT_SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return config{}, fmt.Errorf("config: AUTOSPOT_SHUTDOWN_TIMEOUT=%q: want a positive duration such as 15s", v)
		}
		cfg.ShutdownTimeout = d
	}
	return cfg, nil
}
