/*
 * The one place for what several scripts need (pages and the service worker): new ids, and
 * reading what a person typed as the server reads it.
 *
 *   InspectionsUtil.uuid()                        -> a random (version 4) uuid, lower case
 *   InspectionsUtil.parseWholeNumber(text, money) -> a number, or null when the server would refuse it
 *   InspectionsUtil.parseFormDate(text)           -> "YYYY-MM-DD", or null
 *   InspectionsUtil.strip(text)                   -> Python's str.strip()
 *
 * The parsers mirror inspections/checklist/form_input.py (parse_whole_number, parse_form_date)
 * exactly, Python's idea of "whitespace" and "digit" included (\s and \d there are Unicode:
 * "１２" is 12, U+0085 is a space); tests/ui/test_form_input_parity_browser.py runs one table
 * through both. Numbers beyond 2^53 come out rounded, as JSON numbers are (the server refuses
 * them as too large either way).
 */
(function (global) {
  'use strict';

  // str.isspace() and the \s of a Python str pattern: the same characters
  var SPACE = '\\t\\n\\u000b\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
  var DIGIT = '\\p{Nd}';
  var STRIP_RE = new RegExp('^[' + SPACE + ']+|[' + SPACE + ']+$', 'gu');
  var INT_RE = new RegExp('^[+-]?' + DIGIT + '{1,18}$', 'u');
  var GROUPED_RE = new RegExp('^[+-]?' + DIGIT + '{1,3}([.,' + SPACE + '\\u00a0])' + DIGIT + '{3}(?:\\1' + DIGIT + '{3}){0,5}$', 'u');
  var SEPARATORS_RE = new RegExp('[.,' + SPACE + '\\u00a0]', 'gu');
  var CURRENCY_RE = new RegExp('[' + SPACE + ']*(?:đ|₫|vnd|vnđ|đồng|dong)\\.?$', 'iu');
  var DMY_RE = new RegExp('^(' + DIGIT + '{1,2})[/.\\-](' + DIGIT + '{1,2})[/.\\-](' + DIGIT + '{4})$', 'u');
  var ISO_RE = new RegExp('^' + DIGIT + '{4}-' + DIGIT + '{2}-' + DIGIT + '{2}$', 'u');
  var ONE_DIGIT_RE = new RegExp('^' + DIGIT + '$', 'u');
  var ASCII_ISO_RE = /^\d{4}-\d{2}-\d{2}$/;

  function strip(text) { return String(text).replace(STRIP_RE, ''); }

  /* The value of one decimal digit of any script: digits come in runs of ten, 0 to 9. */
  function digitValue(ch) {
    var code = ch.codePointAt(0);
    if (code >= 48 && code <= 57) return code - 48;
    var start = code;
    while (ONE_DIGIT_RE.test(String.fromCodePoint(start - 1))) start -= 1;
    return (code - start) % 10;
  }

  /* int() of a sign and decimal digits (as the nearest double beyond 2^53, as JSON has it). */
  function toInt(text) {
    var chars = Array.from(text);
    var sign = chars[0] === '+' || chars[0] === '-' ? chars.shift() : '';
    var value = parseInt(sign + chars.map(digitValue).join(''), 10);
    return value || 0;  // no -0
  }

  /* parse_whole_number: "1.500.000", "1,500,000", "1 500 000" (and "15.000 đ" for money). */
  function parseWholeNumber(text, money) {
    text = strip(text);
    if (money) text = text.replace(CURRENCY_RE, '');
    if (INT_RE.test(text)) return toInt(text);
    if (GROUPED_RE.test(text)) return toInt(text.replace(SEPARATORS_RE, ''));
    return null;
  }

  function realDay(y, m, d) {
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    var days = [31, (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    return d <= days[m - 1];
  }
  function pad(n, width) { n = String(n); while (n.length < width) n = '0' + n; return n; }

  /* parse_form_date: YYYY-MM-DD (a date input; ASCII digits, as date.fromisoformat wants) or
   * DD/MM/YYYY, DD.MM.YYYY, DD-MM-YYYY typed by hand. */
  function parseFormDate(text) {
    text = strip(text);
    if (ISO_RE.test(text)) {
      if (!ASCII_ISO_RE.test(text)) return null;
      var parts = text.split('-').map(Number);
      return realDay(parts[0], parts[1], parts[2]) ? text : null;
    }
    var match = DMY_RE.exec(text);
    if (!match) return null;
    var d = toInt(match[1]), m = toInt(match[2]), y = toInt(match[3]);
    return realDay(y, m, d) ? pad(y, 4) + '-' + pad(m, 2) + '-' + pad(d, 2) : null;
  }

  function uuid() {
    var crypto = global.crypto;
    if (crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  global.InspectionsUtil = { uuid: uuid, parseWholeNumber: parseWholeNumber, parseFormDate: parseFormDate, strip: strip };
})(typeof self !== 'undefined' ? self : this);
