package differential_test

import (
	"fmt"
	"hash/crc32"
	"strings"
)

// scenarios is the suite: one list, in a stable order, for every site.
func scenarios() []scenario {
	var all []scenario
	for _, group := range [][]scenario{
		statusScenarios(),
		contactScenarios(),
		emailScenarios(),
		searchScenarios(),
		pagingScenarios(),
		transactionScenarios(),
		moneyScenarios(),
		dateScenarios(),
		eventScenarios(),
		companyScenarios(),
		quoteInvoiceScenarios(),
		webhookScenarios(),
		bulkScenarios(),
		rawScenarios(),
		versionScenarios(),
	} {
		all = append(all, group...)
	}
	return all
}

// builder collects the scenarios of one group.
type builder []scenario

func (b *builder) add(name string, fn func(r *run)) { *b = append(*b, scenario{name: name, run: fn}) }

// utf8Sample is text whose characters take n bytes in UTF-8.
type utf8Sample struct {
	name string
	text string
}

// utf8Samples are 2-, 3- and 4-byte characters: Latin with diacritics,
// CJK and the euro sign, an emoji and a musical symbol (outside the BMP,
// which utf8mb3 columns cannot hold).
var utf8Samples = []utf8Sample{
	{"2byte", "Zoë Müller-Ñúñez"},
	{"3byte", "日本語 €"},
	{"4byte", "Party 😀 𝄞"},
}

// awkward are the inputs that PHP, WordPress and SQL treat specially.
var awkward = []struct{ name, text string }{
	{"apostrophe", "O'Neil"},
	{"double-quotes", `Say "hi"`},
	{"backslash", `Back\slash`},
	{"two-backslashes", `Two\\slashes`},
	{"backslash-apostrophe", `It\'s`},
	{"percent", "100% sure"},
	{"percent-octet", "Caf%C3%A9 %41"},
	{"html", "<b>Bold</b> & <i>it</i>"},
	{"entity", "Tom &amp; Jerry"},
	{"whitespace", "  lots \t of\n  space  "},
	{"less-than", "a < b"},
}

// digits returns n decimal digits derived from the run's stamp, for
// phone numbers that no other run uses.
func (r *run) digits(n int) string {
	s := fmt.Sprintf("%010d%010d", crc32.ChecksumIEEE([]byte(r.stamp)), crc32.ChecksumIEEE([]byte(r.stamp+"x")))
	return s[:n]
}

// upperStamp is the stamp in capitals, for case tests.
func (r *run) upperStamp() string { return strings.ToUpper(r.stamp) }
