//! `rounds change --record [--date D]`: records the edits made to the
//! roster by hand since rounds last saw it. Not available in this build:
//! it is refused with a usage error.

use super::{Ctx, Outcome};
use crate::error::{ChangeRefusal, Error, Usage};

pub fn run(_ctx: &Ctx, _date: Option<&str>) -> Result<Outcome, Error> {
    Err(Error::Usage(Usage::Change(ChangeRefusal::RecordNotBuilt)))
}
