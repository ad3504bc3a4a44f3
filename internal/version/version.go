// Package version compares Jetpack CRM release numbers.
package version

import (
	"strconv"
	"strings"
)

// Compare orders dotted versions numerically ("6.10.0" after "6.6.1"): it
// returns -1, 0 or 1. A missing part is 0 ("6.6" is "6.6.0"); a part that
// is not a number compares as text.
func Compare(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		nx, ex := strconv.Atoi(x)
		ny, ey := strconv.Atoi(y)
		if ex != nil || ey != nil {
			if c := strings.Compare(x, y); c != 0 {
				return c
			}
			continue
		}
		if nx != ny {
			if nx < ny {
				return -1
			}
			return 1
		}
	}
	return 0
}
