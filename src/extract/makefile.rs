//! Extractor stub (being written).
use crate::model::Found;

pub fn extract(_text: &str, _out: &mut Vec<Found>)  {
    
}
