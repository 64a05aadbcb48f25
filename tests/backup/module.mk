# make test-backup: WAL archiving + base backup, a disaster mid-write, the restore checked
# (tests/backup/run.sh), and the upgrade from the previous release's schema (tests/backup/upgrade.sh).
.PHONY: test-backup
test-backup: $(BINARIES)
	@BUILD=$(BUILD) tests/backup/run.sh
	@if [ -x tests/backup/upgrade.sh ]; then BUILD=$(BUILD) tests/backup/upgrade.sh; fi
