//! DoA estimation, multi-view localization and CRB-tightness study for multi-active-IRS sensing (issue 8).
