package differential_test

import (
	"slices"
)

// knownDifference is a scenario on which the fake does not do what a real
// site does, on purpose or not yet, with the reason. keys are the result
// keys that differ (all of them, exactly); versions limits the entry to
// those plugin versions (nil: every version).
type knownDifference struct {
	scenario string
	versions []string
	keys     []string
	reason   string
}

func (k *knownDifference) sortedKeys() []string {
	out := slices.Clone(k.keys)
	slices.Sort(out)
	return out
}

// lookupKnown returns the entry for scenario on version, or nil.
func lookupKnown(scenario, version string) *knownDifference {
	for i := range knownDifferences {
		k := &knownDifferences[i]
		if k.scenario == scenario && (k.versions == nil || slices.Contains(k.versions, version)) {
			return k
		}
	}
	return nil
}

// knownDifferences is the table the suite checks.
var knownDifferences = []knownDifference{}
