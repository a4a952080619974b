package parkingapi

import (
	"context"
	"errors"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/fare"
)

// Seed stores the original's built-in example map (id
// parking.ExampleMapID, facility parking.ExampleFacilityID) and its rate
// table (fare.OriginalTable) for that facility, each only if absent, so
// it is safe to call at every start. The default [Deps] price
// destinations without a map of their own with this table.
func Seed(ctx context.Context, maps parking.MapRepository, rates parking.RateRepository) error {
	if _, err := maps.GetMap(ctx, parking.ExampleMapID); errors.Is(err, parking.ErrNotFound) {
		if _, err := maps.CreateMap(ctx, parking.ExampleMap()); err != nil && !errors.Is(err, parking.ErrDuplicate) {
			return err
		}
	} else if err != nil {
		return err
	}
	if _, err := rates.GetRates(ctx, parking.ExampleFacilityID); errors.Is(err, parking.ErrNotFound) {
		if _, err := rates.PutRates(ctx, parking.ExampleFacilityID, fare.OriginalTable()); err != nil && !errors.Is(err, parking.ErrVersionConflict) {
			return err
		}
	} else if err != nil {
		return err
	}
	return nil
}
