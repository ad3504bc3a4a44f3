package main

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/spf13/cobra"
)

// requestFlags registers the fields of a request (jetpackcrm.WireFields) as
// flags bound to them, keyed by wire name: flag gives a field the flag name
// and help a person chose, skip leaves fields out (set otherwise, or not
// settable), and rest gives every other field a flag named after its Go
// path (NickName is --nick-name), so that a field added to the request can
// be set without a change here.
type requestFlags struct {
	cmd    *cobra.Command
	req    reflect.Value
	fields map[string]jetpackcrm.WireField
	order  []string
	done   map[string]bool
}

// newRequestFlags binds flags of cmd to the fields of *req.
func newRequestFlags(cmd *cobra.Command, req any) *requestFlags {
	rf := &requestFlags{cmd: cmd, req: reflect.ValueOf(req).Elem(), fields: map[string]jetpackcrm.WireField{}, done: map[string]bool{}}
	for _, wf := range jetpackcrm.WireFields(req) {
		rf.fields[wf.Name] = wf
		rf.order = append(rf.order, wf.Name)
	}
	return rf
}

// flag registers the field with this wire name as --name.
func (rf *requestFlags) flag(wire, name, usage string) {
	wf, ok := rf.fields[wire]
	if !ok {
		panic(fmt.Sprintf("jpcrm: flag --%s: %s has no wire field %q", name, rf.req.Type(), wire))
	}
	switch p := rf.req.FieldByIndex(wf.Index).Addr().Interface().(type) {
	case *string:
		rf.cmd.Flags().StringVar(p, name, "", usage)
	case *bool:
		rf.cmd.Flags().BoolVar(p, name, false, usage)
	case *int64:
		rf.cmd.Flags().Int64Var(p, name, 0, usage)
	default:
		panic(fmt.Sprintf("jpcrm: flag --%s: %s field %s has type %s, which a flag cannot set: skip it or give it a flag of its own", name, rf.req.Type(), wf.Path, wf.Type))
	}
	rf.done[wire] = true
}

// skip leaves the fields with these wire names without a flag.
func (rf *requestFlags) skip(wires ...string) {
	for _, w := range wires {
		if _, ok := rf.fields[w]; !ok {
			panic(fmt.Sprintf("jpcrm: %s has no wire field %q to skip", rf.req.Type(), w))
		}
		rf.done[w] = true
	}
}

// rest registers a flag for every field neither flagged nor skipped.
func (rf *requestFlags) rest() {
	for _, w := range rf.order {
		if !rf.done[w] {
			wf := rf.fields[w]
			rf.flag(w, kebab(wf.Path), fmt.Sprintf("%s (the API's %q)", strings.ReplaceAll(kebab(wf.Path), "-", " "), w))
		}
	}
}

// kebab writes a Go field path in lower case with hyphens:
// "SecondaryAddress.Line1" is "secondary-address-line1", "WPID" "wpid".
func kebab(path string) string {
	var b strings.Builder
	var prev rune
	for _, r := range path {
		switch {
		case r == '.':
			r = '-'
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			b.WriteByte('-')
		}
		b.WriteRune(unicode.ToLower(r))
		prev = r
	}
	return b.String()
}
