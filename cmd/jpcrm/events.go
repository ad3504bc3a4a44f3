package main

import (
	"context"
	"iter"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/spf13/cobra"
)

// eventFields are the CSV and detail columns of events: see fieldSpec.
var eventFields = fieldSpec[*jetpackcrm.Event]{
	omit:   []string{"show_on_portal", "show_on_cal"},
	header: map[string]string{"contact": "customer_email"},
	extra:  []column[*jetpackcrm.Event]{{"customer", func(e *jetpackcrm.Event) string { return fmtID(e.CustomerID) }}},
	after:  [][2]string{{"contact", "complete"}, {"customer", "complete"}, {"company", "contact"}, {"reminders", "company"}, {"owner", "reminders"}},
}

var eventView = view[*jetpackcrm.Event]{
	table: tableColumns([]tableColumn[*jetpackcrm.Event]{
		{wire: "id"}, {wire: "title"},
		{wire: "start", get: func(e *jetpackcrm.Event) string { return fmtMinute(e.Start) }},
		{wire: "end", get: func(e *jetpackcrm.Event) string { return fmtMinute(e.End) }},
		{wire: "complete", header: "done"}, {wire: "contact"},
	}),
	fields: wireColumns(eventFields),
	custom: func(e *jetpackcrm.Event) map[string]string { return e.CustomFields },
}

func newEventsCmd(a *app) *cobra.Command {
	var owner int64
	list := newSimpleListCmd(a, "events", eventView,
		func(c *jetpackcrm.Client) func(context.Context, jetpackcrm.ListOptions) ([]*jetpackcrm.Event, *jetpackcrm.Response, error) {
			return func(ctx context.Context, lo jetpackcrm.ListOptions) ([]*jetpackcrm.Event, *jetpackcrm.Response, error) {
				return c.Events.List(ctx, &jetpackcrm.EventListOptions{ListOptions: lo, Owner: owner})
			}
		},
		func(c *jetpackcrm.Client) func(context.Context, jetpackcrm.ListOptions) iter.Seq2[*jetpackcrm.Event, error] {
			return func(ctx context.Context, lo jetpackcrm.ListOptions) iter.Seq2[*jetpackcrm.Event, error] {
				return c.Events.All(ctx, &jetpackcrm.EventListOptions{ListOptions: lo, Owner: owner})
			}
		})
	list.Flags().Int64Var(&owner, "owner", 0, "only the events owned by this WordPress user ID")
	return newGroupCmd("events", "List and create tasks (the API calls them events)",
		`Events are the CRM's tasks, with a start, an end and an optional contact.`,
		list, newEventsCreateCmd(a))
}

func newEventsCreateCmd(a *app) *cobra.Command {
	var req jetpackcrm.EventRequest
	var from, to string
	var duration time.Duration
	cmd := &cobra.Command{
		Use:   "create --title TITLE --from TIME [--to TIME] [fields]",
		Short: "Create a task",
		Long: `Create a task (create_event). --from and --to are YYYY-MM-DD, "YYYY-MM-DD HH:MM"
or RFC 3339, in UTC unless a zone is given; without --to the task lasts
--duration. It is not retried after an error that may have reached the site,
since a retry could create the task twice.`,
		Example: `  jpcrm events create --title "Call Ada" --from "2026-03-02 10:00" --customer-id 12 --remind`,
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := a.outputFormat(cmd, formatTable)
			if err != nil {
				return err
			}
			if req.Title == "" || from == "" {
				return usageErrorf("--title and --from are required")
			}
			r := req
			if r.From, err = parseTimeFlag("--from", from); err != nil {
				return err
			}
			switch {
			case to != "":
				if r.To, err = parseTimeFlag("--to", to); err != nil {
					return err
				}
			case duration < 0:
				return usageErrorf("--duration must not be negative, got %s", duration)
			default:
				r.To = r.From.Add(duration)
			}
			if r.To.Before(r.From) {
				return usageErrorf("--to (%s) is before --from (%s)", fmtMinute(r.To), fmtMinute(r.From))
			}
			c, err := a.apiClient()
			if err != nil {
				return err
			}
			e, _, err := c.Events.Create(cmd.Context(), &r)
			if err != nil {
				return err
			}
			return renderOne(a.stdout, format, e, eventView)
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Title, "title", "", "title (required)")
	f.StringVar(&from, "from", "", "start (required)")
	f.StringVar(&to, "to", "", "end (default: --from plus --duration)")
	f.DurationVar(&duration, "duration", time.Hour, "length, when --to is not given")
	f.Int64Var(&req.CustomerID, "customer-id", 0, "ID of the contact to link")
	f.StringVar(&req.Notes, "notes", "", "description")
	f.BoolVar(&req.Complete, "complete", false, "mark the task done")
	f.BoolVar(&req.Remind24h, "remind", false, "remind 24 hours before the start")
	f.Int64Var(&req.Owner, "owner", 0, "WordPress user ID to own the task")
	return cmd
}
