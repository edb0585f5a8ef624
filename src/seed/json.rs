//! A small JSON writer for the jsonb columns: objects and arrays written straight into a
//! string, strings escaped by serde_json. Cheaper than building a `serde_json::Value` per row.

use super::copy::Jsonb;

/// A JSON object under construction.
#[derive(Debug)]
pub struct Object {
    text: String,
}

impl Object {
    /// `{`.
    #[must_use]
    pub fn new() -> Self {
        Self {
            text: String::from("{"),
        }
    }

    fn key(&mut self, key: &str) {
        if self.text.len() > 1 {
            self.text.push_str(", ");
        }
        push_string(&mut self.text, key);
        self.text.push_str(": ");
    }

    /// Adds `"key": "value"`.
    #[must_use]
    pub fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        push_string(&mut self.text, value);
        self
    }

    /// Adds `"key": number`.
    #[must_use]
    pub fn int(mut self, key: &str, value: i64) -> Self {
        self.key(key);
        self.text.push_str(&value.to_string());
        self
    }

    /// Adds `"key": true|false`.
    #[must_use]
    pub fn bool(mut self, key: &str, value: bool) -> Self {
        self.key(key);
        self.text.push_str(if value { "true" } else { "false" });
        self
    }

    /// Adds `"key": <raw JSON>`.
    #[must_use]
    pub fn raw(mut self, key: &str, json: &str) -> Self {
        self.key(key);
        self.text.push_str(json);
        self
    }

    /// `}`: the finished JSON text.
    #[must_use]
    pub fn finish(mut self) -> String {
        self.text.push('}');
        self.text
    }

    /// The finished object as a jsonb value.
    #[must_use]
    pub fn jsonb(self) -> Jsonb {
        Jsonb(self.finish())
    }
}

impl Default for Object {
    fn default() -> Self {
        Self::new()
    }
}

/// A JSON array of strings.
#[must_use]
pub fn string_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = String::from("[");
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            text.push_str(", ");
        }
        push_string(&mut text, item);
    }
    text.push(']');
    text
}

fn push_string(text: &mut String, value: &str) {
    text.push_str(&serde_json::to_string(value).unwrap_or_else(|_| String::from("\"\"")));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_and_arrays_are_valid_json() {
        let text = Object::new()
            .str("name", "O'Brien \"Bob\"")
            .int("n", -3)
            .bool("ok", true)
            .raw("tags", &string_array(["a", "b"]))
            .finish();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["name"], "O'Brien \"Bob\"");
        assert_eq!(value["tags"][1], "b");
        assert_eq!(Object::new().finish(), "{}");
        assert_eq!(string_array([]), "[]");
    }
}
