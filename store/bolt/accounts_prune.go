package bolt

// accountPruners lists the account stores' Prune steps for DB.Prune.
func (db *DB) accountPruners(*PruneStats) []pruneStep { return nil }
