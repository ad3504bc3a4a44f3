// Command fakecrm runs the in-memory fake Jetpack CRM of package
// jetpackcrmtest on a fixed loopback address, for trying the SDK, curl or
// another client against a CRM without a WordPress site.
//
//	go run ./examples/fakecrm -seed-contacts 25
//
// It prints the site URL, the API key and secret, and a curl command, then
// serves until interrupted (Ctrl-C). All data lives in memory and is lost on
// exit.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

func main() {
	fs := flag.NewFlagSet("fakecrm", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:8089", "address to listen on (keep it loopback: the fake has no TLS)")
	key := fs.String("key", "", "API key to accept (default: a random jpcrm_pk_...)")
	secret := fs.String("secret", "", "API secret to accept (default: a random jpcrm_sk_...)")
	seedContacts := fs.Int("seed-contacts", 0, "number of generated contacts to start with")
	_ = fs.Parse(os.Args[1:])

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, *addr, *key, *secret, *seedContacts); err != nil {
		fmt.Fprintln(os.Stderr, "fakecrm:", err)
		os.Exit(1)
	}
}

// run serves the fake on addr until ctx is done.
func run(ctx context.Context, out io.Writer, addr, key, secret string, seedContacts int) error {
	if seedContacts < 0 {
		return fmt.Errorf("-seed-contacts must not be negative, got %d", seedContacts)
	}
	srv := jetpackcrmtest.NewUnstartedServer(jetpackcrmtest.WithCredentials(key, secret))
	if err := srv.Start(addr); err != nil {
		return err
	}
	defer srv.Close()
	srv.SeedContacts(seedContacts)

	if host, _, err := net.SplitHostPort(addr); err == nil {
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			fmt.Fprintf(out, "warning: %s is not a loopback address; the API secret travels in clear text\n", addr)
		}
	}
	q := url.Values{"api_key": {srv.APIKey}, "api_secret": {srv.APISecret}}
	fmt.Fprintf(out, "Fake Jetpack CRM listening on %s (%d contacts)\n", srv.URL, seedContacts)
	fmt.Fprintf(out, "API key:    %s\n", srv.APIKey)
	fmt.Fprintf(out, "API secret: %s\n", srv.APISecret)
	fmt.Fprintf(out, "Try:\n  curl '%s/zbs_api/status/?%s'\n", srv.URL, q.Encode())
	fmt.Fprintf(out, "  curl -X POST -H 'Content-Type: application/json' -d '{\"perpage\":5}' '%s/zbs_api/customers/?%s'\n", srv.URL, q.Encode())
	fmt.Fprintln(out, "Press Ctrl-C to stop.")

	<-ctx.Done()
	fmt.Fprintln(out, "stopping")
	return nil
}
