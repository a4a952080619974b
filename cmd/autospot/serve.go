package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/autospot/autospot/internal/app"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/server"
)

// loadConfig reads the configuration and prints its warnings loudly.
func loadConfig(e env) (config.Config, error) {
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return cfg, err
	}
	for _, w := range cfg.Warnings {
		e.logger.Warn("autospot: "+w, "dev_secrets", cfg.DevSecretsPath)
		fmt.Fprintf(e.stderr, "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!! WARNING: %s\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n", w)
	}
	return cfg, nil
}

// serve runs the API until ctx is cancelled, then shuts down gracefully.
func serve(ctx context.Context, e env) error {
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, app.Options{Logger: e.logger, Stdout: e.stdout, Version: version})
	if err != nil {
		return err
	}
	defer func() {
		if err := a.Close(); err != nil {
			e.logger.Error("autospot: close", "err", err)
		}
	}()

	var servers []*http.Server
	errc := make(chan error, 3)
	start := func(name, addr string, h http.Handler, tlsOn bool) (string, error) {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return "", fmt.Errorf("listen %s on %s: %w", name, addr, err)
		}
		srv := &http.Server{
			Handler:           h,
			ReadHeaderTimeout: cfg.ReadHeaderTimeout,
			ReadTimeout:       cfg.ReadTimeout,
			WriteTimeout:      cfg.WriteTimeout,
			IdleTimeout:       cfg.IdleTimeout,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(e.logger.Handler(), slog.LevelWarn),
		}
		servers = append(servers, srv)
		go func() {
			var err error
			if tlsOn {
				srv.TLSConfig = server.TLSConfig()
				err = srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
			} else {
				err = srv.Serve(ln)
			}
			if !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("%s: %w", name, err)
			}
		}()
		e.logger.Info("autospot: listening", "listener", name, "addr", ln.Addr().String(), "tls", tlsOn)
		return ln.Addr().String(), nil
	}

	apiAddr, err := start("api", cfg.Addr, a.Server.Handler(), cfg.TLS())
	if err != nil {
		return err
	}
	if cfg.TLS() && cfg.RedirectAddr != "" {
		u, _ := url.Parse(cfg.PublicURL)
		_, port, _ := net.SplitHostPort(apiAddr)
		if _, err := start("redirect", cfg.RedirectAddr, server.RedirectHandler(u.Hostname(), publicPort(u, port)), false); err != nil {
			return err
		}
	}
	if cfg.MetricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", server.MetricsHandler(a.Registry))
		if _, err := start("metrics", cfg.MetricsAddr, mux, false); err != nil {
			return err
		}
	}
	if e.ready != nil {
		e.ready <- apiAddr
	}

	pruneDone := make(chan struct{})
	pctx, stopPrune := context.WithCancel(ctx)
	go func() {
		defer close(pruneDone)
		prune(pctx, a, e.logger)
	}()

	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	stopPrune()
	<-pruneDone
	e.logger.Info("autospot: shutting down", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	for _, srv := range servers {
		if serr := srv.Shutdown(sctx); serr != nil && err == nil {
			err = fmt.Errorf("shutdown: %w", serr)
		}
	}
	if err != nil {
		return err
	}
	e.logger.Info("autospot: stopped")
	return nil
}

// publicPort is the port the redirect points at: the public URL's, else
// the API listener's.
func publicPort(u *url.URL, listenPort string) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") && u.Host != "" && !strings.HasPrefix(u.Host, "localhost") {
		return "443"
	}
	return listenPort
}

// prune deletes expired records from the embedded database or MongoDB
// hourly.
func prune(ctx context.Context, a *app.App, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := a.Prune(ctx, now); err != nil && ctx.Err() == nil {
				logger.Warn("autospot: prune failed", "err", err)
			}
		}
	}
}
