package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/spf13/cobra"
)

// Exit codes (documented in README.md).
const (
	exitOK      = 0 // success
	exitError   = 1 // any other error
	exitUsage   = 2 // bad command line, missing configuration, input refused before sending
	exitAuth    = 3 // the site refused the API key or secret (HTTP 401)
	exitPartial = 4 // an import ran but some rows failed (see the failed-rows CSV)
)

// run is the whole program: it parses args, runs the command and returns
// the exit code. Everything it touches is passed in, so tests call it
// in-process. SIGINT and SIGTERM cancel the command's context.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runContext(ctx, args, stdin, stdout, stderr, getenv)
}

// runContext is run with the context supplied by the caller.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := newApp(stdin, stdout, stderr, getenv)
	a.rawArgs = args
	root := newRootCmd(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCodeOf(err)
	if !a.started {
		// Cobra refused the command line before any command ran: unknown
		// command or flag, wrong number of arguments, bad flag value.
		code = exitUsage
	}
	var quiet *silentError
	if !errors.As(err, &quiet) {
		// The SDK's errors start with "jetpackcrm: " (and wrap others
		// that do): after "jpcrm: " it says nothing.
		fmt.Fprintf(a.stderr, "jpcrm: %s\n", strings.ReplaceAll(a.redact(err.Error()), "jetpackcrm: ", ""))
	}
	if code == exitAuth {
		fmt.Fprintf(a.stderr, "The site refused the API key or secret: check %s and %s (CRM > Settings > API).\n", envKey, envSecret)
	}
	if code == exitUsage && !errors.As(err, &quiet) {
		fmt.Fprintf(a.stderr, "Run '%s --help' for usage.\n", a.commandPath(root))
	}
	return code
}

// exitCodeOf maps an error to its exit code.
func exitCodeOf(err error) int {
	var ce *codeError
	switch {
	case errors.As(err, &ce):
		return ce.code
	case errors.Is(err, jetpackcrm.ErrUnauthorized):
		return exitAuth
	case errors.Is(err, jetpackcrm.ErrInvalidInput):
		return exitUsage
	default:
		return exitError
	}
}

// codeError is an error with its own exit code.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

// usageErrorf is a usage error (exit code 2).
func usageErrorf(format string, args ...any) error {
	return &codeError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// silentError carries an exit code whose explanation was already printed
// (an import with failed rows prints its own summary).
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit code %d", e.code) }

// silent is an error with an exit code and no message of its own.
func silent(code int) error { return &codeError{code: code, err: &silentError{code: code}} }

// newRootCmd builds the command tree for one run.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "jpcrm",
		Short: "Look into, import to and export from a Jetpack CRM site",
		Long: `jpcrm talks to the JSON API of a Jetpack CRM site (the WordPress CRM plugin):
list and search contacts, import a CSV or JSONL file of contacts, export
everything, and create companies, transactions and tasks.

Point it at a site with three environment variables (or the flags of the
same names):

  JCRM_URL          the WordPress address, e.g. https://shop.example.com
  JCRM_API_KEY      CRM > Settings > API on the site
  JCRM_API_SECRET   same place; or --secret-file FILE to keep it out of
                    shell history and process lists

Output is a table by default; -o json, jsonl or csv for scripts. In CSV, a
cell that a spreadsheet would run as a formula (one beginning with =, +, -,
@, a tab or a carriage return) gets a leading apostrophe; import removes it.

Exit codes: 0 success, 1 error, 2 usage (or input refused before sending),
3 authentication (wrong key or secret), 4 partial failure (import).

Try it without a site: "jpcrm fake" serves an in-memory CRM and prints the
variables to set.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noSubcommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &codeError{code: exitUsage, err: err}
	})
	a.registerGlobalFlags(root)

	root.AddGroup(&cobra.Group{ID: "crm", Title: "CRM commands:"}, &cobra.Group{ID: "tools", Title: "Tools:"})
	for _, c := range []*cobra.Command{
		newStatusCmd(a), newCustomersCmd(a), newCompaniesCmd(a), newQuotesCmd(a),
		newInvoicesCmd(a), newTransactionsCmd(a), newEventsCmd(a), newWebhookCmd(a),
	} {
		c.GroupID = "crm"
		root.AddCommand(c)
	}
	fake := newFakeCmd(a)
	fake.GroupID = "tools"
	root.AddCommand(fake)
	root.SetHelpCommandGroupID("tools")
	root.SetCompletionCommandGroupID("tools")
	markStarted(a, root)
	return root
}

// newGroupCmd returns a command that only holds subcommands: alone it prints
// its help; with an unknown subcommand it is a usage error.
func newGroupCmd(use, short, long string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  noSubcommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	c.AddCommand(subs...)
	return c
}

// noSubcommand refuses arguments to a command that only has subcommands.
func noSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return &codeError{code: exitUsage, err: errors.New(msg)}
}

// markStarted wraps the RunE of every command so that runContext knows
// whether an error came from cobra's parsing (a usage error) or from the
// command itself.
func markStarted(a *app, c *cobra.Command) {
	if c.RunE != nil {
		runE := c.RunE
		c.RunE = func(cmd *cobra.Command, args []string) error {
			a.started = true
			a.cmdPath = cmd.CommandPath()
			return runE(cmd, args)
		}
	}
	for _, sub := range c.Commands() {
		markStarted(a, sub)
	}
}

// commandPath names the command that ran (or the root) for the usage hint.
func (a *app) commandPath(root *cobra.Command) string {
	if a.cmdPath != "" {
		return a.cmdPath
	}
	if c, _, err := root.Find(a.rawArgs); err == nil && c != nil {
		return c.CommandPath()
	}
	return root.CommandPath()
}

// exactArgs is cobra.ExactArgs with a usage error that names the arguments.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s takes %s (got %d argument(s))", cmd.CommandPath(), names, len(args))
		}
		return nil
	}
}
