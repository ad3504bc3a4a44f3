package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Environment variables read for the configuration.
const (
	envURL    = "JCRM_URL"
	envKey    = "JCRM_API_KEY"
	envSecret = "JCRM_API_SECRET"
)

// defaultTimeout is the SDK's own limit per attempt.
const defaultTimeout = 30 * time.Second

// maxSecretFileBytes bounds what --secret-file reads: a secret is short,
// and a wrong path (a log file, /dev/zero) must not be read forever.
const maxSecretFileBytes = 64 << 10

// app is the state of one run: its stdio, environment, global flags and the
// client, made on first use.
type app struct {
	stdin     io.Reader
	stdout    io.Writer
	stderr    *redactingWriter
	rawStderr io.Writer
	getenv    func(string) string

	rawArgs []string
	started bool
	cmdPath string

	// Global flags.
	siteURL      string
	apiKey       string
	apiSecret    string
	secretFile   string
	insecureHTTP bool
	queryRouting bool
	timeout      time.Duration
	retries      int
	debug        bool
	output       string

	client *jetpackcrm.Client
	logger *slog.Logger
	// clientOpts are options a command adds to the client before its first
	// use (import's --allow-unknown-custom-fields).
	clientOpts []jetpackcrm.Option
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *app {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return &app{stdin: stdin, stdout: stdout, stderr: &redactingWriter{w: stderr}, rawStderr: stderr, getenv: getenv}
}

func (a *app) registerGlobalFlags(root *cobra.Command) {
	root.Version = cliVersion()
	pf := root.PersistentFlags()
	pf.StringVar(&a.siteURL, "url", "", "site address, e.g. https://shop.example.com (default $"+envURL+")")
	pf.StringVar(&a.apiKey, "api-key", "", "API key (default $"+envKey+")")
	pf.StringVar(&a.apiSecret, "api-secret", "", "API secret (default $"+envSecret+"; visible in process lists: prefer the variable or --secret-file)")
	pf.StringVar(&a.secretFile, "secret-file", "", "read the API secret from this file (surrounding white space is ignored)")
	pf.BoolVar(&a.insecureHTTP, "insecure-http", false, "allow plain http to a host that is not loopback (the secret then crosses the network in clear text)")
	pf.BoolVar(&a.queryRouting, "query-routing", false, "call /?zbs_api=ENDPOINT, for sites without pretty permalinks")
	pf.DurationVar(&a.timeout, "timeout", defaultTimeout, "time limit of each HTTP attempt")
	pf.IntVar(&a.retries, "retries", 4, "retries after a failed attempt where a retry is safe (0: none)")
	pf.BoolVar(&a.debug, "debug", false, "log every HTTP attempt to stderr (credentials are never logged)")
	pf.StringVarP(&a.output, "output", "o", formatTable, "output format: table, json, jsonl or csv")
	_ = root.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{formatTable, formatJSON, formatJSONL, formatCSV}, cobra.ShellCompDirectiveNoFileComp
	})
	_ = root.MarkPersistentFlagFilename("secret-file")
}

// cliVersion is the module version when installed with go install, else the
// SDK's version.
func cliVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return jetpackcrm.Version
}

// siteConfig is the resolved connection configuration.
type siteConfig struct {
	url, key, secret string
	// Where each came from, for --debug (never the values).
	urlFrom, keyFrom, secretFrom string
}

// config resolves the site, key and secret: flags first, then the
// environment. The key and secret are registered for redaction as soon as
// they are known.
func (a *app) config() (*siteConfig, error) {
	cfg := &siteConfig{}
	cfg.url, cfg.urlFrom = pick(a.siteURL, "--url", a.getenv(envURL), envURL)
	cfg.key, cfg.keyFrom = pick(a.apiKey, "--api-key", a.getenv(envKey), envKey)
	if a.secretFile != "" && a.apiSecret != "" {
		return nil, usageErrorf("give the API secret once: --api-secret or --secret-file, not both")
	}
	if a.secretFile != "" {
		s, err := a.readSecretFile(a.secretFile)
		if err != nil {
			return nil, err
		}
		cfg.secret, cfg.secretFrom = s, "--secret-file"
	} else {
		cfg.secret, cfg.secretFrom = pick(a.apiSecret, "--api-secret", a.getenv(envSecret), envSecret)
	}
	a.stderr.addSecrets(cfg.key, cfg.secret)

	var missing []string
	if strings.TrimSpace(cfg.url) == "" {
		missing = append(missing, envURL+" (or --url)")
	}
	if strings.TrimSpace(cfg.key) == "" {
		missing = append(missing, envKey+" (or --api-key)")
	}
	if strings.TrimSpace(cfg.secret) == "" {
		missing = append(missing, envSecret+" (or --secret-file)")
	}
	if len(missing) > 0 {
		return nil, &codeError{code: exitUsage, err: fmt.Errorf("%w: set %s", errNotConfigured, strings.Join(missing, ", "))}
	}
	return cfg, nil
}

// errNotConfigured is the configuration error of a run without a site,
// key or secret.
var errNotConfigured = errors.New("not configured")

// pick returns the flag value if set, else the environment's.
func pick(flagVal, flagName, envVal, envName string) (string, string) {
	if flagVal != "" {
		return flagVal, flagName
	}
	if envVal != "" {
		return envVal, "$" + envName
	}
	return "", ""
}

// readSecretFile reads the secret from path. Errors name the file, never
// its content.
func (a *app) readSecretFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", usageErrorf("--secret-file: %v", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", usageErrorf("--secret-file: %v", err)
	}
	if info.IsDir() {
		return "", usageErrorf("--secret-file: %s is a directory", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFileBytes+1))
	if err != nil {
		return "", usageErrorf("--secret-file: %v", err)
	}
	if len(b) > maxSecretFileBytes {
		return "", usageErrorf("--secret-file: %s is larger than %d bytes: not a secret", path, maxSecretFileBytes)
	}
	secret := strings.TrimSpace(string(b))
	a.stderr.addSecrets(secret)
	if secret == "" {
		return "", usageErrorf("--secret-file: %s is empty", path)
	}
	if strings.ContainsAny(secret, "\r\n") {
		return "", usageErrorf("--secret-file: %s holds more than one line; it must hold the secret alone", path)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(a.stderr, "jpcrm: warning: %s is readable by other users (chmod 600 it)\n", path)
	}
	return secret, nil
}

// apiClient returns the client, making it on first use.
func (a *app) apiClient() (*jetpackcrm.Client, error) {
	if a.client != nil {
		return a.client, nil
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	opts := []jetpackcrm.Option{jetpackcrm.WithUserAgent("jpcrm/" + cliVersion())}
	if a.debug {
		a.logger = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		a.logger.Debug("jpcrm configuration", "site", siteForLog(cfg.url), "site_from", cfg.urlFrom,
			"key_from", cfg.keyFrom, "secret_from", cfg.secretFrom)
		opts = append(opts, jetpackcrm.WithLogger(a.logger))
	}
	if a.timeout <= 0 {
		return nil, usageErrorf("--timeout must be positive, got %s", a.timeout)
	}
	if a.timeout != defaultTimeout {
		opts = append(opts, jetpackcrm.WithHTTPClient(&http.Client{Timeout: a.timeout}))
	}
	switch {
	case a.retries < 0:
		return nil, usageErrorf("--retries must not be negative, got %d", a.retries)
	case a.retries == 0:
		opts = append(opts, jetpackcrm.WithoutRetries())
	default:
		opts = append(opts, jetpackcrm.WithRetryPolicy(jetpackcrm.RetryPolicy{MaxRetries: a.retries}))
	}
	if a.insecureHTTP {
		opts = append(opts, jetpackcrm.WithInsecureHTTP())
	}
	if a.queryRouting {
		opts = append(opts, jetpackcrm.WithQueryRouting())
	}
	opts = append(opts, a.clientOpts...)
	c, err := jetpackcrm.NewClient(cfg.url, cfg.key, cfg.secret, opts...)
	if err != nil {
		// A bad URL, or a key or secret that cannot be right.
		return nil, &codeError{code: exitUsage, err: err}
	}
	a.client = c
	return c, nil
}

// siteForLog is the site URL without user info, query or fragment.
func siteForLog(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "(unparsable)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// stderrIsTerminal reports whether stderr is a terminal (for the progress
// bar).
func (a *app) stderrIsTerminal() bool { return isTerminal(a.rawStderr) }

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// redact removes the key and secret from s.
func (a *app) redact(s string) string { return a.stderr.redact(s) }

// redactingWriter is stderr: it replaces the API key and secret, in every
// form they can take in a URL, by [REDACTED], and serialises writes (log
// lines and the progress bar come from several goroutines).
type redactingWriter struct {
	mu       sync.Mutex
	w        io.Writer
	secrets  []string
	replacer *strings.Replacer
}

func (rw *redactingWriter) addSecrets(values ...string) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	for _, v := range values {
		v = strings.TrimSpace(v)
		if len(v) < 4 { // too short to redact without mangling ordinary text
			continue
		}
		rw.secrets = append(rw.secrets, v, url.QueryEscape(v), url.PathEscape(v))
	}
	var pairs []string
	seen := map[string]bool{}
	for _, s := range rw.secrets {
		if !seen[s] {
			seen[s] = true
			pairs = append(pairs, s, "[REDACTED]")
		}
	}
	rw.replacer = strings.NewReplacer(pairs...)
}

func (rw *redactingWriter) redact(s string) string {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.replacer == nil {
		return s
	}
	return rw.replacer.Replace(s)
}

func (rw *redactingWriter) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.replacer == nil {
		return rw.w.Write(p)
	}
	if _, err := io.WriteString(rw.w, rw.replacer.Replace(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
