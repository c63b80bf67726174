/*
 * The checklist validator, on the phone: the same checks as inspections/checklist/validation.py
 * (validate_answers) and form_input.py (answers_from_form), in the same order, with the same
 * messages. It knows no limit of its own: every rule and message comes from the description the
 * server writes into the page (inspections/checklist/client_rules.py, the
 * checklist form's data-rules attribute). A table of cases runs through
 * both validators in tests/checklist/test_rules_parity.py.
 *
 *   ChecklistRules.validate(rules, answers, {requireComplete, today: "YYYY-MM-DD"}) -> errors
 *   ChecklistRules.fromForm(rules, values) -> {answers, errors}   (values: name -> [strings])
 *   ChecklistRules.check(rules, values, options) -> errors        (both, as the form post does)
 * An error is {code, field, kind, message}.
 */
(function (global) {
  'use strict';

  var DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
  var UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  // reading what was typed (numbers, dates, Python's strip()): util.js, the mirror of form_input.py
  var util = global.InspectionsUtil;
  var MF_PARTS = ['male', 'female'];

  /* Python's str.format for the message patterns ({name} only). */
  function format(pattern, params) {
    return String(pattern).replace(/\{(\w+)\}/g, function (all, name) {
      return name in params ? String(params[name]) : all;
    });
  }
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); } // f"{n:,}"
  function chars(text) { return Array.from(text); }                              // len() counts code points
  function pyStr(value) {
    if (value === null || value === undefined) return 'None';
    if (value === true) return 'True';
    if (value === false) return 'False';
    return String(value);
  }
  function isCount(value) { return typeof value === 'number' && Number.isInteger(value); }
  function isMapping(value) { return value !== null && typeof value === 'object' && !Array.isArray(value); }
  function answered(value) { return value !== null && value !== undefined && value !== '' && !(Array.isArray(value) && !value.length); }

  function validDate(y, m, d) {
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    var days = new Date(Date.UTC(2000, m, 0)).getUTCDate();
    if (m === 2) days = (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28;
    return d <= days;
  }
  function iso(y, m, d) {
    var pad = function (n, w) { n = String(n); while (n.length < w) n = '0' + n; return n; };
    return pad(y, 4) + '-' + pad(m, 2) + '-' + pad(d, 2);
  }
  /* parse_date: a YYYY-MM-DD string that is a real day, as a number for comparing, or null. */
  function parseDate(value) {
    if (typeof value !== 'string' || !DATE_RE.test(value)) return null;
    var y = +value.slice(0, 4), m = +value.slice(5, 7), d = +value.slice(8, 10);
    return validDate(y, m, d) ? Date.UTC(y, m - 1, d) : null;
  }
  function isoOf(ms) { var t = new Date(ms); return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()); }
  function todayIso() { var t = new Date(); return iso(t.getFullYear(), t.getMonth() + 1, t.getDate()); }

  function index(rules) {
    if (!rules._byCode) {
      var by = {};
      rules.items.forEach(function (item) { by[item.code] = item; });
      Object.defineProperty(rules, '_byCode', { value: by, enumerable: false });
    }
    return rules._byCode;
  }
  function fields(item) { return item.type === 'mf' ? [item.code + '.male', item.code + '.female'] : [item.code]; }

  function validate(rules, answers, options) {
    options = options || {};
    var errors = [];
    var add = function (code, field, kind, params) {
      errors.push({ code: code, field: field, kind: kind, message: format(rules.messages[kind], params || {}) });
    };
    if (!isMapping(answers)) { add('', '', 'answers_not_object'); return errors; }
    var today = parseDate(options.today || todayIso());
    var latest = today + rules.future_days * 86400000;
    var minDate = parseDate(rules.min_date);
    var valid = {};
    var has = function (code) { return Object.prototype.hasOwnProperty.call(answers, code); };

    rules.items.forEach(function (item) {
      var code = item.code;
      var value = has(code) ? answers[code] : null;
      if (!answered(value)) {
        if (options.requireComplete && item.applies && item.required) add(code, fields(item)[0], 'required');
        return;
      }
      if (!item.applies) { add(code, code, 'not_applicable', { unit_kind: rules.unit_kind_label }); return; }
      var before = errors.length;
      checkValue(item, value);
      if (errors.length === before) valid[code] = value;
    });

    function checkCount(item, value, field) {
      if (!isCount(value)) { add(item.code, field, 'not_integer'); return; }
      if (value < item.min) {
        if (item.min === 0) add(item.code, field, 'negative');
        else add(item.code, field, 'below_min', { min: item.min });
      } else if (value > item.max) {
        add(item.code, field, 'too_large', { max: grouped(item.max) });
      }
    }

    function checkValue(item, value) {
      var code = item.code;
      if (item.type === 'ynp') {
        if (!(typeof value === 'string' && item.choices.indexOf(value) >= 0)) {
          add(code, code, 'ynp_invalid', { choices: item.choices.map(function (c) { return rules.ynp_labels[c] || c; }).join(' / ') });
        }
      } else if (item.type === 'mf') {
        if (!isMapping(value) || Object.keys(value).some(function (k) { return MF_PARTS.indexOf(k) < 0; })) {
          add(code, code, 'mf_invalid');
          return;
        }
        MF_PARTS.forEach(function (part) {
          var field = code + '.' + part;
          if (value[part] === null || value[part] === undefined) add(code, field, 'mf_part_missing');
          else checkCount(item, value[part], field);
        });
      } else if (item.type === 'int' || item.type === 'money') {
        checkCount(item, value, code);
      } else if (item.type === 'date') {
        var day = parseDate(value);
        if (day === null) add(code, code, 'date_invalid');
        else if (day < minDate) add(code, code, 'date_too_early', { min: rules.min_date });
        else if (day > latest) add(code, code, 'date_too_late', { max: isoOf(latest) });
      } else if (item.type === 'text') {
        if (typeof value !== 'string') add(code, code, 'text_invalid');
        else {
          var length = chars(value).length;
          if (length > item.max_length) add(code, code, 'text_too_long', { length: length, max: item.max_length });
        }
      } else if (item.type === 'file') {
        if (!Array.isArray(value)) { add(code, code, 'files_invalid'); return; }
        if (value.length > rules.max_files) add(code, code, 'too_many_files', { max: rules.max_files });
        var seen = {};
        value.forEach(function (entry) {
          if (!(typeof entry === 'string' && UUID_RE.test(entry))) {
            add(code, code, 'file_id_invalid', { value: chars(pyStr(entry)).slice(0, 60).join('') });
          } else if (seen[entry.toLowerCase()]) {
            add(code, code, 'file_duplicate', { value: entry });
          } else {
            seen[entry.toLowerCase()] = true;
          }
        });
      }
    }

    // a part (C2 leaders) may not exceed its whole (C1 staff), per sex for mf items
    var byCode = index(rules);
    rules.items.forEach(function (item) {
      if (!item.subset_of || !(item.code in valid) || !(item.subset_of in valid)) return;
      var whole = byCode[item.subset_of];
      var value = valid[item.code], wholeValue = valid[whole.code];
      var pairs = item.type === 'mf'
        ? MF_PARTS.map(function (p) { return [item.code + '.' + p, value[p], wholeValue[p]]; })
        : [[item.code, value, wholeValue]];
      pairs.forEach(function (pair) {
        if (pair[1] > pair[2]) {
          add(item.code, pair[0], 'exceeds_whole', { whole: whole.code, whole_label: whole.label, value: pair[1], limit: pair[2] });
        }
      });
    });

    var unknown = Object.keys(answers).filter(function (code) { return !Object.prototype.hasOwnProperty.call(byCode, code); });
    unknown.slice(0, rules.max_unknown).forEach(function (code) { add(code, code, 'unknown_item', { code: code }); });
    if (unknown.length > rules.max_unknown) add('', '', 'too_many_unknown', { count: unknown.length - rules.max_unknown });
    return errors;
  }

  // --- reading the form's strings (form_input.py) ---------------------------------------------
  function wholeNumber(text, money) { return util.parseWholeNumber(text, money); }
  function formDate(text) { return util.parseFormDate(text); }
  function strip(text) { return util.strip(text); }
  function one(values, name) {
    var value = values[name];
    if (Array.isArray(value)) value = value.length ? value[0] : '';
    return value === null || value === undefined ? '' : String(value);
  }
  function many(values, name) {
    var list = values[name];
    list = Array.isArray(list) ? list : list === null || list === undefined ? [] : [list];
    var out = [];
    list.forEach(function (value) {
      String(value).split(',').forEach(function (part) { part = strip(part).toLowerCase(); if (part) out.push(part); });
    });
    return out;
  }

  function fromForm(rules, values) {
    var answers = {};
    var errors = [];
    var add = function (code, field, kind, params) {
      errors.push({ code: code, field: field, kind: kind, message: format(rules.messages[kind], params || {}) });
    };
    rules.items.forEach(function (item) {
      if (!item.applies) return;
      var code = item.code, text, value = null;
      if (item.type === 'file') {
        var ids = many(values, code);
        if (ids.length) answers[code] = ids;
        return;
      }
      if (item.type === 'mf') {
        var texts = {}, parts = {}, got = 0;
        MF_PARTS.forEach(function (part) { texts[part] = strip(one(values, code + '.' + part)); });
        if (!texts.male && !texts.female) return;
        MF_PARTS.forEach(function (part) {
          var field = code + '.' + part;
          if (!texts[part]) { add(code, field, 'mf_part_missing'); return; }
          var n = wholeNumber(texts[part], false);
          if (n === null) add(code, field, 'number_unparsable', { value: chars(texts[part]).slice(0, 40).join('') });
          else { parts[part] = n; got += 1; }
        });
        if (got === MF_PARTS.length) answers[code] = parts;
        return;
      }
      text = one(values, code);
      if (item.type === 'text') {
        text = strip(text.replace(/\r\n/g, '\n'));
        if (text) answers[code] = text;
        return;
      }
      text = strip(text);
      if (!text) return;
      if (item.type === 'int' || item.type === 'money') value = wholeNumber(text, item.type === 'money');
      else if (item.type === 'date') value = formDate(text);
      else { answers[code] = text; return; }
      if (value === null) {
        var kind = item.type === 'date' ? 'date_unparsable' : 'number_unparsable';
        add(code, code, kind, { value: chars(text).slice(0, 40).join('') });
      } else {
        answers[code] = value;
      }
    });
    return { answers: answers, errors: errors };
  }

  /* What posting the form would report: the unreadable fields, then the validator's problems
   * (a required item whose field is already reported is not reported twice). */
  function check(rules, values, options) {
    var read = fromForm(rules, values);
    var reported = {};
    read.errors.forEach(function (e) { reported[e.field] = true; });
    return read.errors.concat(validate(rules, read.answers, options).filter(function (e) {
      return !(e.kind === 'required' && reported[e.field]);
    }));
  }

  global.ChecklistRules = { validate: validate, fromForm: fromForm, check: check, format: format };
})(typeof self !== 'undefined' ? self : this);
