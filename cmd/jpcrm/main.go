// Command jpcrm is a command-line tool for Jetpack CRM sites, built on the
// jetpackcrm SDK: look into the CRM, import a list of contacts, export
// everything, or script a fix without writing Go.
//
//	go install github.com/jpcrm-go/jetpackcrm/cmd/jpcrm@latest
//	export JCRM_URL=https://shop.example.com JCRM_API_KEY=... JCRM_API_SECRET=...
//	jpcrm status
//	jpcrm customers import contacts.csv
//	jpcrm customers export > contacts.csv
//
// Run "jpcrm --help" for the commands, and see README.md in this directory
// for the configuration and the exit codes.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
