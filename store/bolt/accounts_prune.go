package bolt

// accountPruners lists the account stores' Prune steps for DB.Prune.
func (db *DB) accountPruners(st *PruneStats) []pruneStep {
	return []pruneStep{
		{&st.Pending, db.PendingStore().Prune},
		{&st.OTPs, db.OTPStore().Prune},
		{&st.Attempts, db.AttemptStore().Prune},
		{&st.Resets, db.ResetStore().Prune},
	}
}
