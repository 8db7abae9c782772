// The dashboard's pure functions under node's own test runner: the Modulus 11 check the browser
// runs before an NHS number is sent, and the HL7 v2 field numbering the message view shows.
import test from 'node:test';
import assert from 'node:assert/strict';
import {isValidNhs} from '../../dashboard/www/nhs.js';
import {fields, segments} from '../../dashboard/www/hl7.js';

test('Modulus 11: valid numbers pass, with or without spaces', () => {
  for (const n of ['9434765919', '943 476 5919', '9450301263', '9999999999']) assert.equal(isValidNhs(n), true, n);
});

test('Modulus 11: a wrong check digit, a check value of 10, a wrong length or letters fail', () => {
  for (const n of ['9434765918', '1234567890', '943476591', '94347659190', '94347659l9', '', null]) assert.equal(isValidNhs(n), false, String(n));
});

test('HL7 v2: MSH-1 is the field separator, so MSH fields are numbered one ahead of the split', () => {
  const f = fields('MSH|^~\\&|PAS|RR8|HIDEWIRE|RR8|20261204101500||ADT^A01|MSG1|P|2.5.1', '|').fields;
  assert.deepEqual(f[0], ['MSH-1', '|']);
  assert.deepEqual(f[1], ['MSH-2', '^~\\&']);
  assert.deepEqual(f.find(([l]) => l === 'MSH-9'), ['MSH-9', 'ADT^A01']);
  assert.deepEqual(f.find(([l]) => l === 'MSH-10'), ['MSH-10', 'MSG1']);
});

test('HL7 v2: other segments number from 1, empty fields kept in place, any segment ending', () => {
  const segs = segments('MSH|^~\\&|A\rPID|1||9434765919^^^NHS^NH\nPV1|1|I\r\n');
  assert.equal(segs.length, 3);
  const f = fields(segs[1], '|').fields;
  assert.deepEqual(f, [['PID-1', '1'], ['PID-2', ''], ['PID-3', '9434765919^^^NHS^NH']]);
});

test('HL7 v2: a message with its own field separator is split by it', () => {
  const f = fields('PID#1##9434765919', '#').fields;
  assert.deepEqual(f[2], ['PID-3', '9434765919']);
});
