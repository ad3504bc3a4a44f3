package jetpackcrm

import (
	"math"
	"math/big"
	"time"

	"github.com/shopspring/decimal"
)

// The server keeps times as Unix seconds in signed 32-bit columns (int(14)
// is still INT), clamping what does not fit, and reads 0 and below as
// unset: these are the times it stores and gives back.
var (
	firstStoredTime = time.Unix(1, 0).UTC()
	lastStoredTime  = time.Unix(math.MaxInt32, 0).UTC()
)

// checkStoredTime refuses a time the server would store as something else:
// before 1970-01-01 00:00:01 UTC (read back as unset) or after 2038-01-19
// 03:14:07 UTC (clamped to it). The zero time is the caller's business.
func checkStoredTime(field string, t time.Time) error {
	if t.Before(firstStoredTime) || t.After(lastStoredTime) {
		return invalidField(field, "%s is outside what the server stores: Unix seconds from %s to %s UTC (it reads earlier times as unset and clamps later ones)",
			t.UTC().Format(time.RFC3339), firstStoredTime.Format(time.DateTime), lastStoredTime.Format(time.DateTime))
	}
	return nil
}

// Money columns are DECIMAL(18,2), and the plugin passes amounts through a
// PHP float printed with PHP's default precision of 14 significant digits:
// 12.345 is stored as 12.35, 0.001 as 0.00, 1234567890123.45 as
// 1234567890123.40, and anything from 10^16 up as 9999999999999999.99.
const (
	moneyDecimals  = 2
	moneySigDigits = 14
	moneyIntDigits = 16
)

var ten = big.NewInt(10)

// checkMoney refuses an amount the server cannot store exactly, rather than
// letting it be stored altered while the SDK returns what was sent.
func checkMoney(field string, d decimal.Decimal) error {
	coef, exp := new(big.Int).Abs(d.Coefficient()), int(d.Exponent())
	if coef.Sign() == 0 {
		return nil
	}
	var rem big.Int
	for {
		q, r := new(big.Int).QuoRem(coef, ten, &rem)
		if r.Sign() != 0 {
			break
		}
		coef, exp = q, exp+1
	}
	digits := len(coef.String())
	switch {
	case -exp > moneyDecimals:
		return invalidField(field, "%s has more than %d decimal places, which the server rounds (to %s): round it first, e.g. with Round(%d)",
			d.String(), moneyDecimals, d.Round(moneyDecimals).StringFixed(moneyDecimals), moneyDecimals)
	case digits+exp > moneyIntDigits:
		return invalidField(field, "%s is too large: the server stores at most %d digits before the decimal point", d.String(), moneyIntDigits)
	case digits > moneySigDigits:
		return invalidField(field, "%s has more than %d significant digits, which the server does not store exactly", d.String(), moneySigDigits)
	}
	return nil
}
