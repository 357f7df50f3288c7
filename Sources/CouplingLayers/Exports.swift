// The shared vocabulary (regime, seeded generator) is part of this module's
// interface: every user of coupling layers needs it.
@_exported import CouplingCore
