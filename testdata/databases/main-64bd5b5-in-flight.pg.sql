--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: weft_in_flight_64bd5b5; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA weft_in_flight_64bd5b5;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: activity_tasks; Type: TABLE; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE TABLE weft_in_flight_64bd5b5.activity_tasks (
    id bigint NOT NULL,
    instance_id text NOT NULL COLLATE pg_catalog."C",
    execution_id text NOT NULL,
    task_id integer NOT NULL,
    name text NOT NULL,
    input text,
    attempt integer NOT NULL,
    tags text,
    timeout_ms double precision,
    visible_at bigint NOT NULL,
    available_at bigint NOT NULL,
    lease_token text,
    lease_owner text,
    lease_expires_at bigint,
    claim_count integer DEFAULT 0 NOT NULL
);


--
-- Name: activity_tasks_id_seq; Type: SEQUENCE; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE weft_in_flight_64bd5b5.activity_tasks ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME weft_in_flight_64bd5b5.activity_tasks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: history; Type: TABLE; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE TABLE weft_in_flight_64bd5b5.history (
    instance_id text NOT NULL COLLATE pg_catalog."C",
    seq integer NOT NULL,
    type text NOT NULL,
    at text NOT NULL,
    event text NOT NULL
);


--
-- Name: inbox; Type: TABLE; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE TABLE weft_in_flight_64bd5b5.inbox (
    id bigint NOT NULL,
    instance_id text NOT NULL COLLATE pg_catalog."C",
    execution_id text,
    event_type text NOT NULL,
    event text NOT NULL,
    visible_at bigint NOT NULL
);


--
-- Name: inbox_id_seq; Type: SEQUENCE; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE weft_in_flight_64bd5b5.inbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME weft_in_flight_64bd5b5.inbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: instances; Type: TABLE; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE TABLE weft_in_flight_64bd5b5.instances (
    instance_id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    execution_id text NOT NULL,
    status text NOT NULL,
    input text,
    output text,
    error text,
    custom_status text,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    completed_at text,
    parent_instance_id text COLLATE pg_catalog."C",
    parent_task_id integer,
    tags text DEFAULT '{}'::text NOT NULL,
    last_seq integer DEFAULT 0 NOT NULL,
    pending_waits text DEFAULT '[]'::text NOT NULL,
    lease_token text,
    lease_owner text,
    lease_expires_at bigint
);


--
-- Name: kv; Type: TABLE; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE TABLE weft_in_flight_64bd5b5.kv (
    key text NOT NULL,
    value text NOT NULL
);


--
-- Name: once_keys; Type: TABLE; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE TABLE weft_in_flight_64bd5b5.once_keys (
    key text NOT NULL,
    expires_at bigint NOT NULL
);


--
-- Name: outbox; Type: TABLE; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE TABLE weft_in_flight_64bd5b5.outbox (
    id bigint NOT NULL,
    channel text NOT NULL,
    recipient text,
    subject text,
    body text,
    instance_id text,
    task_id integer,
    created_at bigint NOT NULL
);


--
-- Name: outbox_id_seq; Type: SEQUENCE; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE weft_in_flight_64bd5b5.outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME weft_in_flight_64bd5b5.outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: schema_version; Type: TABLE; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE TABLE weft_in_flight_64bd5b5.schema_version (
    version integer NOT NULL,
    description text NOT NULL,
    applied_at timestamp with time zone NOT NULL
);


--
-- Name: workers; Type: TABLE; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE TABLE weft_in_flight_64bd5b5.workers (
    owner text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: workflow_versions; Type: TABLE; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE TABLE weft_in_flight_64bd5b5.workflow_versions (
    workflow_id text NOT NULL COLLATE pg_catalog."C",
    version integer NOT NULL,
    definition text,
    published_at bigint NOT NULL
);


--
-- Name: workflows; Type: TABLE; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE TABLE weft_in_flight_64bd5b5.workflows (
    workflow_id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL,
    draft text,
    trigger_def text,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Data for Name: activity_tasks; Type: TABLE DATA; Schema: weft_in_flight_64bd5b5; Owner: -
--

INSERT INTO weft_in_flight_64bd5b5.activity_tasks (id, instance_id, execution_id, task_id, name, input, attempt, tags, timeout_ms, visible_at, available_at, lease_token, lease_owner, lease_expires_at, claim_count) OVERRIDING SYSTEM VALUE VALUES (3, 'in-flight-chain-1', 'b9b0fe8f-9022-4475-b86f-82a467e839de', 3, 'order.createPdf', '{"orderId":"A-1","durationMs":3600000}', 1, '{"nodeId":"pdf"}', NULL, 1796604583503, 1796604583503, NULL, NULL, NULL, 0);
INSERT INTO weft_in_flight_64bd5b5.activity_tasks (id, instance_id, execution_id, task_id, name, input, attempt, tags, timeout_ms, visible_at, available_at, lease_token, lease_owner, lease_expires_at, claim_count) OVERRIDING SYSTEM VALUE VALUES (2, 'in-flight-chain-1', 'b9b0fe8f-9022-4475-b86f-82a467e839de', 2, 'order.save', '{"orderId":"A-1","items":[1,2,3],"durationMs":3600000}', 1, '{"nodeId":"save"}', NULL, 1796604583503, 1796604613522, 'f62eed8c-f45a-4062-957e-98adffe94ac9', 'worker-e1cbe0c8', 1796604613522, 1);


--
-- Data for Name: history; Type: TABLE DATA; Schema: weft_in_flight_64bd5b5; Owner: -
--

INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-chain-1', 1, 'OrchestratorStarted', '2026-12-07T00:49:43.409Z', '{"type":"OrchestratorStarted","at":"2026-12-07T00:49:43.409Z"}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-chain-1', 2, 'ExecutionStarted', '2026-12-07T00:49:43.386Z', '{"type":"ExecutionStarted","at":"2026-12-07T00:49:43.386Z","name":"in-flight-chain","input":{"orderId":"A-1"},"executionId":"b9b0fe8f-9022-4475-b86f-82a467e839de","tags":{"version":"1"}}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-chain-1', 3, 'TaskScheduled', '2026-12-07T00:49:43.409Z', '{"type":"TaskScheduled","at":"2026-12-07T00:49:43.409Z","taskId":1,"name":"util.echo","input":{"orderId":"A-1","step":"echo"},"attempt":1,"tags":{"nodeId":"echo"}}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-chain-1', 4, 'OrchestratorStarted', '2026-12-07T00:49:43.501Z', '{"type":"OrchestratorStarted","at":"2026-12-07T00:49:43.501Z"}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-chain-1', 5, 'TaskCompleted', '2026-12-07T00:49:43.480Z', '{"type":"TaskCompleted","taskId":1,"attempt":1,"startedAt":"2026-12-07T00:49:43.477Z","at":"2026-12-07T00:49:43.480Z","name":"util.echo","result":{"orderId":"A-1","step":"echo"}}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-chain-1', 6, 'TaskScheduled', '2026-12-07T00:49:43.501Z', '{"type":"TaskScheduled","at":"2026-12-07T00:49:43.501Z","taskId":2,"name":"order.save","input":{"orderId":"A-1","items":[1,2,3],"durationMs":3600000},"attempt":1,"tags":{"nodeId":"save"}}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-chain-1', 7, 'TaskScheduled', '2026-12-07T00:49:43.501Z', '{"type":"TaskScheduled","at":"2026-12-07T00:49:43.501Z","taskId":3,"name":"order.createPdf","input":{"orderId":"A-1","durationMs":3600000},"attempt":1,"tags":{"nodeId":"pdf"}}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-event-1', 1, 'OrchestratorStarted', '2026-12-07T00:49:44.130Z', '{"type":"OrchestratorStarted","at":"2026-12-07T00:49:44.130Z"}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-event-1', 2, 'ExecutionStarted', '2026-12-07T00:49:44.091Z', '{"type":"ExecutionStarted","at":"2026-12-07T00:49:44.091Z","name":"in-flight-event","input":{"orderId":"B-2"},"executionId":"64eaf7ba-78bf-4d42-9918-c20b96366e19","tags":{"version":"1"}}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-event-1', 3, 'TimerCreated', '2026-12-07T00:49:44.130Z', '{"type":"TimerCreated","at":"2026-12-07T00:49:44.130Z","taskId":1,"fireAt":"2126-11-13T00:49:44.130Z","tags":{"nodeId":"approve","approval":{"title":"Approve it","choices":["Approved","Rejected"]},"timeoutFor":"Approval"}}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-parent-1', 1, 'OrchestratorStarted', '2026-12-07T00:49:44.142Z', '{"type":"OrchestratorStarted","at":"2026-12-07T00:49:44.142Z"}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-parent-1', 2, 'ExecutionStarted', '2026-12-07T00:49:44.127Z', '{"type":"ExecutionStarted","at":"2026-12-07T00:49:44.127Z","name":"in-flight-parent","input":{"orderId":"D-4"},"executionId":"f59bd2f5-3480-4258-8cf8-71139edee578","tags":{"version":"1"}}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-parent-1', 3, 'SubOrchestrationCreated', '2026-12-07T00:49:44.142Z', '{"type":"SubOrchestrationCreated","at":"2026-12-07T00:49:44.142Z","taskId":1,"name":"in-flight-child","instanceId":"in-flight-parent-1:f59bd2f5:1","input":{"from":"D-4"},"tags":{"nodeId":"sub"}}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-parent-1:f59bd2f5:1', 1, 'OrchestratorStarted', '2026-12-07T00:49:44.157Z', '{"type":"OrchestratorStarted","at":"2026-12-07T00:49:44.157Z"}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-parent-1:f59bd2f5:1', 2, 'ExecutionStarted', '2026-12-07T00:49:44.145Z', '{"type":"ExecutionStarted","at":"2026-12-07T00:49:44.145Z","name":"in-flight-child","input":{"from":"D-4"},"executionId":"2c852994-f3bc-4f5d-a49c-b9311b55a7b5","tags":{"version":"1","weft.depth":"1"},"instanceId":"in-flight-parent-1","taskId":1}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-timer-1', 1, 'OrchestratorStarted', '2026-12-07T00:49:44.189Z', '{"type":"OrchestratorStarted","at":"2026-12-07T00:49:44.189Z"}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-timer-1', 2, 'ExecutionStarted', '2026-12-07T00:49:44.171Z', '{"type":"ExecutionStarted","at":"2026-12-07T00:49:44.171Z","name":"in-flight-timer","input":{"orderId":"C-3"},"executionId":"03a9906a-ea40-488a-9f51-adb7af13e767","tags":{"version":"1"}}');
INSERT INTO weft_in_flight_64bd5b5.history (instance_id, seq, type, at, event) VALUES ('in-flight-timer-1', 3, 'TimerCreated', '2026-12-07T00:49:44.189Z', '{"type":"TimerCreated","at":"2026-12-07T00:49:44.189Z","taskId":1,"fireAt":"2026-12-07T00:50:14.189Z","tags":{"nodeId":"nap"}}');


--
-- Data for Name: inbox; Type: TABLE DATA; Schema: weft_in_flight_64bd5b5; Owner: -
--

INSERT INTO weft_in_flight_64bd5b5.inbox (id, instance_id, execution_id, event_type, event, visible_at) OVERRIDING SYSTEM VALUE VALUES (5, 'in-flight-event-1', '64eaf7ba-78bf-4d42-9918-c20b96366e19', 'TimerFired', '{"type":"TimerFired","at":"2126-11-13T00:49:44.130Z","taskId":1,"fireAt":"2126-11-13T00:49:44.130Z","tags":{"nodeId":"approve","approval":{"title":"Approve it","choices":["Approved","Rejected"]},"timeoutFor":"Approval"}}', 4950204584130);
INSERT INTO weft_in_flight_64bd5b5.inbox (id, instance_id, execution_id, event_type, event, visible_at) OVERRIDING SYSTEM VALUE VALUES (8, 'in-flight-timer-1', '03a9906a-ea40-488a-9f51-adb7af13e767', 'TimerFired', '{"type":"TimerFired","at":"2026-12-07T00:50:14.189Z","taskId":1,"fireAt":"2026-12-07T00:50:14.189Z","tags":{"nodeId":"nap"}}', 1796604614189);


--
-- Data for Name: instances; Type: TABLE DATA; Schema: weft_in_flight_64bd5b5; Owner: -
--

INSERT INTO weft_in_flight_64bd5b5.instances (instance_id, name, execution_id, status, input, output, error, custom_status, created_at, updated_at, completed_at, parent_instance_id, parent_task_id, tags, last_seq, pending_waits, lease_token, lease_owner, lease_expires_at) VALUES ('in-flight-chain-1', 'in-flight-chain', 'b9b0fe8f-9022-4475-b86f-82a467e839de', 'running', '{"orderId":"A-1"}', NULL, NULL, NULL, 1796604583386, 1796604583503, NULL, NULL, NULL, '{"version":"1"}', 7, '[]', NULL, NULL, NULL);
INSERT INTO weft_in_flight_64bd5b5.instances (instance_id, name, execution_id, status, input, output, error, custom_status, created_at, updated_at, completed_at, parent_instance_id, parent_task_id, tags, last_seq, pending_waits, lease_token, lease_owner, lease_expires_at) VALUES ('in-flight-event-1', 'in-flight-event', '64eaf7ba-78bf-4d42-9918-c20b96366e19', 'running', '{"orderId":"B-2"}', NULL, NULL, NULL, 1796604584091, 1796604584132, NULL, NULL, NULL, '{"version":"1"}', 3, '[{"name":"Approval","since":"2026-12-07T00:49:44.130Z","timeoutAt":"2126-11-13T00:49:44.130Z","tags":{"nodeId":"approve","approval":{"title":"Approve it","choices":["Approved","Rejected"]}}}]', NULL, NULL, NULL);
INSERT INTO weft_in_flight_64bd5b5.instances (instance_id, name, execution_id, status, input, output, error, custom_status, created_at, updated_at, completed_at, parent_instance_id, parent_task_id, tags, last_seq, pending_waits, lease_token, lease_owner, lease_expires_at) VALUES ('in-flight-parent-1', 'in-flight-parent', 'f59bd2f5-3480-4258-8cf8-71139edee578', 'running', '{"orderId":"D-4"}', NULL, NULL, NULL, 1796604584127, 1796604584145, NULL, NULL, NULL, '{"version":"1"}', 3, '[]', NULL, NULL, NULL);
INSERT INTO weft_in_flight_64bd5b5.instances (instance_id, name, execution_id, status, input, output, error, custom_status, created_at, updated_at, completed_at, parent_instance_id, parent_task_id, tags, last_seq, pending_waits, lease_token, lease_owner, lease_expires_at) VALUES ('in-flight-parent-1:f59bd2f5:1', 'in-flight-child', '2c852994-f3bc-4f5d-a49c-b9311b55a7b5', 'running', '{"from":"D-4"}', NULL, NULL, NULL, 1796604584145, 1796604584158, NULL, 'in-flight-parent-1', 1, '{"version":"1","weft.depth":"1"}', 2, '[{"name":"ChildGo","since":"2026-12-07T00:49:44.157Z","tags":{"nodeId":"hold"}}]', NULL, NULL, NULL);
INSERT INTO weft_in_flight_64bd5b5.instances (instance_id, name, execution_id, status, input, output, error, custom_status, created_at, updated_at, completed_at, parent_instance_id, parent_task_id, tags, last_seq, pending_waits, lease_token, lease_owner, lease_expires_at) VALUES ('in-flight-timer-1', 'in-flight-timer', '03a9906a-ea40-488a-9f51-adb7af13e767', 'running', '{"orderId":"C-3"}', NULL, NULL, NULL, 1796604584171, 1796604584192, NULL, NULL, NULL, '{"version":"1"}', 3, '[]', NULL, NULL, NULL);


--
-- Data for Name: kv; Type: TABLE DATA; Schema: weft_in_flight_64bd5b5; Owner: -
--

INSERT INTO weft_in_flight_64bd5b5.kv (key, value) VALUES ('weft.remote-task-token-key', '213a2e365a613bdeedbea2166db842e4e2173007c2bc54ad2e43417e91674239');


--
-- Data for Name: once_keys; Type: TABLE DATA; Schema: weft_in_flight_64bd5b5; Owner: -
--

INSERT INTO weft_in_flight_64bd5b5.once_keys (key, expires_at) VALUES ('examples:published', 9007199254740991);


--
-- Data for Name: outbox; Type: TABLE DATA; Schema: weft_in_flight_64bd5b5; Owner: -
--



--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: weft_in_flight_64bd5b5; Owner: -
--

INSERT INTO weft_in_flight_64bd5b5.schema_version (version, description, applied_at) VALUES (1, 'instances, history, inbox, activity tasks', '2026-12-07 00:49:42.740706+00');
INSERT INTO weft_in_flight_64bd5b5.schema_version (version, description, applied_at) VALUES (2, 'workflows, workflow versions, once keys, values, outbox', '2026-12-07 00:49:42.803331+00');
INSERT INTO weft_in_flight_64bd5b5.schema_version (version, description, applied_at) VALUES (3, 'workers: liveness of registered workers (session advisory locks)', '2026-12-07 00:49:42.85848+00');


--
-- Data for Name: workers; Type: TABLE DATA; Schema: weft_in_flight_64bd5b5; Owner: -
--

INSERT INTO weft_in_flight_64bd5b5.workers (owner) VALUES ('worker-e1cbe0c8');


--
-- Data for Name: workflow_versions; Type: TABLE DATA; Schema: weft_in_flight_64bd5b5; Owner: -
--

INSERT INTO weft_in_flight_64bd5b5.workflow_versions (workflow_id, version, definition, published_at) VALUES ('order-processing', 1, '{"id":"order-processing","name":"Process order","description":"Saves an order, creates its PDF and video side by side, waits up to 30 minutes for a person to approve it, then confirms it by email or tells the customer it was not approved.","inputSchema":{"type":"object","required":["orderId"],"properties":{"orderId":{"type":"string"},"customer":{"type":"string"},"email":{"type":"string"}}},"trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","label":"Order received","position":{"x":0,"y":200}},{"id":"save","type":"activity","label":"Save order","position":{"x":220,"y":200},"activity":"order.save","input":"input"},{"id":"split","type":"parallel","label":"Create documents","position":{"x":440,"y":200}},{"id":"pdf","type":"activity","label":"Create PDF","position":{"x":660,"y":100},"activity":"order.createPdf","input":"{ \"orderId\": input.orderId, \"order\": steps.save }"},{"id":"video","type":"activity","label":"Create video","position":{"x":660,"y":300},"activity":"order.createVideo","input":"{ \"orderId\": input.orderId, \"order\": steps.save }","retry":{"maxAttempts":3,"firstIntervalMs":1000,"backoffCoefficient":2},"timeoutMs":60000},{"id":"merge","type":"join","label":"Documents ready","position":{"x":880,"y":200},"mode":"all"},{"id":"approve","type":"waitForEvent","label":"Wait for approval","position":{"x":1100,"y":200},"event":"OrderApprovalResult","timeoutMs":1800000,"approval":{"title":"Approve order","choices":["Approved","Rejected"]}},{"id":"decide","type":"choice","label":"Approved?","position":{"x":1320,"y":200}},{"id":"email","type":"activity","label":"Send confirmation","position":{"x":1540,"y":100},"activity":"order.sendEmail","input":"{ \"orderId\": input.orderId, \"to\": input.email, \"order\": steps.save, \"pdf\": steps.pdf, \"video\": steps.video }"},{"id":"notApproved","type":"activity","label":"Order not approved","position":{"x":1540,"y":300},"activity":"order.notApproved","input":"{ \"orderId\": input.orderId, \"to\": input.email, \"order\": steps.save, \"reason\": steps.approve.timedOut = true ? \"No decision within 30 minutes\" : steps.approve.comment }"},{"id":"done","type":"end","label":"Confirmed","position":{"x":1760,"y":100},"output":"{ \"orderId\": input.orderId, \"approved\": true }"},{"id":"closed","type":"end","label":"Not approved","position":{"x":1760,"y":300},"output":"{ \"orderId\": input.orderId, \"approved\": false }"}],"edges":[{"id":"start-save","source":"start","target":"save"},{"id":"save-split","source":"save","target":"split"},{"id":"split-pdf","source":"split","target":"pdf"},{"id":"split-video","source":"split","target":"video"},{"id":"pdf-merge","source":"pdf","target":"merge"},{"id":"video-merge","source":"video","target":"merge"},{"id":"merge-approve","source":"merge","target":"approve"},{"id":"approve-decide","source":"approve","target":"decide"},{"id":"approve-timeout","source":"approve","target":"notApproved","kind":"timeout","label":"No answer in 30 min"},{"id":"decide-approved","source":"decide","target":"email","condition":"steps.approve.decision = \"Approved\"","label":"Approved"},{"id":"decide-rejected","source":"decide","target":"notApproved","default":true,"label":"Rejected"},{"id":"email-done","source":"email","target":"done"},{"id":"notApproved-closed","source":"notApproved","target":"closed"}]}', 1796604583004);
INSERT INTO weft_in_flight_64bd5b5.workflow_versions (workflow_id, version, definition, published_at) VALUES ('video-pipeline', 1, '{"id":"video-pipeline","name":"Process uploaded video","description":"Scans and copies an uploaded video, records it, transcodes it to every resolution while making a thumbnail, runs analytics and voice detection, then sends a notification.","inputSchema":{"type":"object","properties":{"url":{"type":"string"},"resolutions":{"type":"array","items":{"type":"integer"}},"notify":{"type":"string"}}},"trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","label":"Video uploaded","position":{"x":0,"y":200}},{"id":"scan","type":"activity","label":"Virus scan","position":{"x":220,"y":200},"activity":"video.virusScan","input":"{ \"url\": input.url }","retry":{"maxAttempts":3}},{"id":"copy","type":"activity","label":"Copy file","position":{"x":440,"y":200},"activity":"video.copyFile","input":"{ \"url\": input.url }","retry":{"maxAttempts":3}},{"id":"metadata","type":"activity","label":"Extract metadata","position":{"x":660,"y":200},"activity":"video.extractMetadata","input":"{ \"url\": input.url, \"file\": steps.copy }"},{"id":"record","type":"parallel","label":"Record","position":{"x":880,"y":200}},{"id":"saveToDatabase","type":"activity","label":"Save to database","position":{"x":1100,"y":100},"activity":"util.echo","input":"{ \"table\": \"videos\", \"url\": input.url, \"file\": steps.copy, \"metadata\": steps.metadata }"},{"id":"audit","type":"activity","label":"Write audit record","position":{"x":1100,"y":300},"activity":"util.echo","input":"{ \"event\": \"video.uploaded\", \"url\": input.url, \"instance\": instance.id, \"at\": $now() }"},{"id":"recorded","type":"join","label":"Recorded","position":{"x":1320,"y":200}},{"id":"render","type":"parallel","label":"Render","position":{"x":1540,"y":200}},{"id":"transcodeAll","type":"map","label":"Transcode each resolution","position":{"x":1760,"y":60},"items":"$exists(input.resolutions) ? input.resolutions : [1080, 720, 480]","maxConcurrency":3},{"id":"transcode","type":"activity","label":"Transcode","parentId":"transcodeAll","position":{"x":40,"y":60},"activity":"video.transcode","input":"{ \"url\": input.url, \"file\": steps.copy, \"resolution\": item }","retry":{"maxAttempts":3,"firstIntervalMs":2000}},{"id":"thumbnail","type":"activity","label":"Make thumbnail","position":{"x":1760,"y":340},"activity":"video.thumbnail","input":"{ \"url\": input.url, \"file\": steps.copy }"},{"id":"rendered","type":"join","label":"Rendered","position":{"x":1980,"y":200}},{"id":"analyse","type":"parallel","label":"Analyse","position":{"x":2200,"y":200}},{"id":"analytics","type":"activity","label":"Video analytics","position":{"x":2420,"y":100},"activity":"video.analytics","input":"{ \"url\": input.url, \"file\": steps.copy, \"metadata\": steps.metadata }"},{"id":"voice","type":"activity","label":"Detect voice","position":{"x":2420,"y":300},"activity":"video.detectVoice","input":"{ \"url\": input.url, \"file\": steps.copy, \"metadata\": steps.metadata }"},{"id":"analysed","type":"join","label":"Analysed","position":{"x":2640,"y":200}},{"id":"notify","type":"activity","label":"Notify","position":{"x":2860,"y":200},"activity":"notify.send","input":"{ \"to\": $exists(input.notify) ? input.notify : \"video-team@example.com\", \"subject\": \"Video processed\", \"body\": \"The video \" & input.url & \" is ready in \" & $string($count(steps.transcodeAll)) & \" resolutions.\" }"},{"id":"done","type":"end","label":"Done","position":{"x":3080,"y":200},"output":"{ \"renditions\": steps.transcodeAll, \"thumbnail\": steps.thumbnail, \"analytics\": steps.analytics, \"voice\": steps.voice }"}],"edges":[{"id":"start-scan","source":"start","target":"scan"},{"id":"scan-copy","source":"scan","target":"copy"},{"id":"copy-metadata","source":"copy","target":"metadata"},{"id":"metadata-record","source":"metadata","target":"record"},{"id":"record-save","source":"record","target":"saveToDatabase"},{"id":"record-audit","source":"record","target":"audit"},{"id":"save-recorded","source":"saveToDatabase","target":"recorded"},{"id":"audit-recorded","source":"audit","target":"recorded"},{"id":"recorded-render","source":"recorded","target":"render"},{"id":"render-transcode","source":"render","target":"transcodeAll"},{"id":"render-thumbnail","source":"render","target":"thumbnail"},{"id":"transcode-rendered","source":"transcodeAll","target":"rendered"},{"id":"thumbnail-rendered","source":"thumbnail","target":"rendered"},{"id":"rendered-analyse","source":"rendered","target":"analyse"},{"id":"analyse-analytics","source":"analyse","target":"analytics"},{"id":"analyse-voice","source":"analyse","target":"voice"},{"id":"analytics-analysed","source":"analytics","target":"analysed"},{"id":"voice-analysed","source":"voice","target":"analysed"},{"id":"analysed-notify","source":"analysed","target":"notify"},{"id":"notify-done","source":"notify","target":"done"}]}', 1796604583024);
INSERT INTO weft_in_flight_64bd5b5.workflow_versions (workflow_id, version, definition, published_at) VALUES ('in-flight-chain', 1, '{"id":"in-flight-chain","name":"In-flight chain","trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","position":{"x":0,"y":0}},{"id":"echo","type":"activity","activity":"util.echo","input":"{ \"orderId\": input.orderId, \"step\": \"echo\" }","position":{"x":200,"y":0}},{"id":"fork","type":"parallel","position":{"x":400,"y":0}},{"id":"save","type":"activity","activity":"order.save","input":"{ \"orderId\": input.orderId, \"items\": [1, 2, 3], \"durationMs\": 3600000 }","position":{"x":600,"y":-100}},{"id":"pdf","type":"activity","activity":"order.createPdf","input":"{ \"orderId\": steps.echo.orderId, \"durationMs\": 3600000 }","position":{"x":600,"y":100}},{"id":"merge","type":"join","mode":"all","position":{"x":800,"y":0}},{"id":"last","type":"activity","activity":"util.echo","input":"{ \"saved\": steps.save.status, \"pages\": steps.pdf.pages }","position":{"x":1000,"y":0}},{"id":"end","type":"end","output":"{ \"orderId\": input.orderId, \"echo\": steps.echo, \"save\": steps.save, \"pdf\": steps.pdf, \"last\": steps.last }","position":{"x":1200,"y":0}}],"edges":[{"id":"start-echo","source":"start","target":"echo"},{"id":"echo-fork","source":"echo","target":"fork"},{"id":"fork-save","source":"fork","target":"save"},{"id":"fork-pdf","source":"fork","target":"pdf"},{"id":"save-merge","source":"save","target":"merge"},{"id":"pdf-merge","source":"pdf","target":"merge"},{"id":"merge-last","source":"merge","target":"last"},{"id":"last-end","source":"last","target":"end"}]}', 1796604583145);
INSERT INTO weft_in_flight_64bd5b5.workflow_versions (workflow_id, version, definition, published_at) VALUES ('in-flight-event', 1, '{"id":"in-flight-event","name":"In-flight event wait","trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","position":{"x":0,"y":0}},{"id":"approve","type":"waitForEvent","event":"Approval","timeoutMs":3153600000000,"approval":{"title":"Approve it","choices":["Approved","Rejected"]},"position":{"x":200,"y":0}},{"id":"reply","type":"activity","activity":"util.echo","input":"{ \"decision\": steps.approve.decision, \"by\": steps.approve.by }","position":{"x":400,"y":0}},{"id":"end","type":"end","output":"{ \"orderId\": input.orderId, \"reply\": steps.reply }","position":{"x":600,"y":0}},{"id":"late","type":"end","output":"{ \"orderId\": input.orderId, \"timedOut\": true }","position":{"x":400,"y":200}}],"edges":[{"id":"start-approve","source":"start","target":"approve"},{"id":"approve-reply","source":"approve","target":"reply"},{"id":"approve-late","source":"approve","target":"late","kind":"timeout"},{"id":"reply-end","source":"reply","target":"end"}]}', 1796604583209);
INSERT INTO weft_in_flight_64bd5b5.workflow_versions (workflow_id, version, definition, published_at) VALUES ('in-flight-timer', 1, '{"id":"in-flight-timer","name":"In-flight timer","trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","position":{"x":0,"y":0}},{"id":"nap","type":"delay","durationMs":30000,"position":{"x":200,"y":0}},{"id":"woke","type":"activity","activity":"util.echo","input":"{ \"orderId\": input.orderId, \"woke\": true }","position":{"x":400,"y":0}},{"id":"end","type":"end","output":"{ \"woke\": steps.woke }","position":{"x":600,"y":0}}],"edges":[{"id":"start-nap","source":"start","target":"nap"},{"id":"nap-woke","source":"nap","target":"woke"},{"id":"woke-end","source":"woke","target":"end"}]}', 1796604583254);
INSERT INTO weft_in_flight_64bd5b5.workflow_versions (workflow_id, version, definition, published_at) VALUES ('in-flight-child', 1, '{"id":"in-flight-child","name":"In-flight child","trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","position":{"x":0,"y":0}},{"id":"hold","type":"waitForEvent","event":"ChildGo","position":{"x":200,"y":0}},{"id":"work","type":"activity","activity":"util.echo","input":"{ \"from\": input.from, \"go\": steps.hold }","position":{"x":400,"y":0}},{"id":"end","type":"end","output":"{ \"child\": steps.work }","position":{"x":600,"y":0}}],"edges":[{"id":"start-hold","source":"start","target":"hold"},{"id":"hold-work","source":"hold","target":"work"},{"id":"work-end","source":"work","target":"end"}]}', 1796604583289);
INSERT INTO weft_in_flight_64bd5b5.workflow_versions (workflow_id, version, definition, published_at) VALUES ('in-flight-parent', 1, '{"id":"in-flight-parent","name":"In-flight parent","trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","position":{"x":0,"y":0}},{"id":"sub","type":"subWorkflow","workflow":"in-flight-child","version":1,"input":"{ \"from\": input.orderId }","position":{"x":200,"y":0}},{"id":"after","type":"activity","activity":"util.echo","input":"{ \"fromChild\": steps.sub }","position":{"x":400,"y":0}},{"id":"end","type":"end","output":"{ \"orderId\": input.orderId, \"after\": steps.after }","position":{"x":600,"y":0}}],"edges":[{"id":"start-sub","source":"start","target":"sub"},{"id":"sub-after","source":"sub","target":"after"},{"id":"after-end","source":"after","target":"end"}]}', 1796604583346);


--
-- Data for Name: workflows; Type: TABLE DATA; Schema: weft_in_flight_64bd5b5; Owner: -
--

INSERT INTO weft_in_flight_64bd5b5.workflows (workflow_id, name, draft, trigger_def, created_at, updated_at) VALUES ('order-processing', 'Process order', '{"id":"order-processing","name":"Process order","description":"Saves an order, creates its PDF and video side by side, waits up to 30 minutes for a person to approve it, then confirms it by email or tells the customer it was not approved.","inputSchema":{"type":"object","required":["orderId"],"properties":{"orderId":{"type":"string"},"customer":{"type":"string"},"email":{"type":"string"}}},"trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","label":"Order received","position":{"x":0,"y":200}},{"id":"save","type":"activity","label":"Save order","position":{"x":220,"y":200},"activity":"order.save","input":"input"},{"id":"split","type":"parallel","label":"Create documents","position":{"x":440,"y":200}},{"id":"pdf","type":"activity","label":"Create PDF","position":{"x":660,"y":100},"activity":"order.createPdf","input":"{ \"orderId\": input.orderId, \"order\": steps.save }"},{"id":"video","type":"activity","label":"Create video","position":{"x":660,"y":300},"activity":"order.createVideo","input":"{ \"orderId\": input.orderId, \"order\": steps.save }","retry":{"maxAttempts":3,"firstIntervalMs":1000,"backoffCoefficient":2},"timeoutMs":60000},{"id":"merge","type":"join","label":"Documents ready","position":{"x":880,"y":200},"mode":"all"},{"id":"approve","type":"waitForEvent","label":"Wait for approval","position":{"x":1100,"y":200},"event":"OrderApprovalResult","timeoutMs":1800000,"approval":{"title":"Approve order","choices":["Approved","Rejected"]}},{"id":"decide","type":"choice","label":"Approved?","position":{"x":1320,"y":200}},{"id":"email","type":"activity","label":"Send confirmation","position":{"x":1540,"y":100},"activity":"order.sendEmail","input":"{ \"orderId\": input.orderId, \"to\": input.email, \"order\": steps.save, \"pdf\": steps.pdf, \"video\": steps.video }"},{"id":"notApproved","type":"activity","label":"Order not approved","position":{"x":1540,"y":300},"activity":"order.notApproved","input":"{ \"orderId\": input.orderId, \"to\": input.email, \"order\": steps.save, \"reason\": steps.approve.timedOut = true ? \"No decision within 30 minutes\" : steps.approve.comment }"},{"id":"done","type":"end","label":"Confirmed","position":{"x":1760,"y":100},"output":"{ \"orderId\": input.orderId, \"approved\": true }"},{"id":"closed","type":"end","label":"Not approved","position":{"x":1760,"y":300},"output":"{ \"orderId\": input.orderId, \"approved\": false }"}],"edges":[{"id":"start-save","source":"start","target":"save"},{"id":"save-split","source":"save","target":"split"},{"id":"split-pdf","source":"split","target":"pdf"},{"id":"split-video","source":"split","target":"video"},{"id":"pdf-merge","source":"pdf","target":"merge"},{"id":"video-merge","source":"video","target":"merge"},{"id":"merge-approve","source":"merge","target":"approve"},{"id":"approve-decide","source":"approve","target":"decide"},{"id":"approve-timeout","source":"approve","target":"notApproved","kind":"timeout","label":"No answer in 30 min"},{"id":"decide-approved","source":"decide","target":"email","condition":"steps.approve.decision = \"Approved\"","label":"Approved"},{"id":"decide-rejected","source":"decide","target":"notApproved","default":true,"label":"Rejected"},{"id":"email-done","source":"email","target":"done"},{"id":"notApproved-closed","source":"notApproved","target":"closed"}]}', '{"type":"manual"}', 1796604582977, 1796604582977);
INSERT INTO weft_in_flight_64bd5b5.workflows (workflow_id, name, draft, trigger_def, created_at, updated_at) VALUES ('video-pipeline', 'Process uploaded video', '{"id":"video-pipeline","name":"Process uploaded video","description":"Scans and copies an uploaded video, records it, transcodes it to every resolution while making a thumbnail, runs analytics and voice detection, then sends a notification.","inputSchema":{"type":"object","properties":{"url":{"type":"string"},"resolutions":{"type":"array","items":{"type":"integer"}},"notify":{"type":"string"}}},"trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","label":"Video uploaded","position":{"x":0,"y":200}},{"id":"scan","type":"activity","label":"Virus scan","position":{"x":220,"y":200},"activity":"video.virusScan","input":"{ \"url\": input.url }","retry":{"maxAttempts":3}},{"id":"copy","type":"activity","label":"Copy file","position":{"x":440,"y":200},"activity":"video.copyFile","input":"{ \"url\": input.url }","retry":{"maxAttempts":3}},{"id":"metadata","type":"activity","label":"Extract metadata","position":{"x":660,"y":200},"activity":"video.extractMetadata","input":"{ \"url\": input.url, \"file\": steps.copy }"},{"id":"record","type":"parallel","label":"Record","position":{"x":880,"y":200}},{"id":"saveToDatabase","type":"activity","label":"Save to database","position":{"x":1100,"y":100},"activity":"util.echo","input":"{ \"table\": \"videos\", \"url\": input.url, \"file\": steps.copy, \"metadata\": steps.metadata }"},{"id":"audit","type":"activity","label":"Write audit record","position":{"x":1100,"y":300},"activity":"util.echo","input":"{ \"event\": \"video.uploaded\", \"url\": input.url, \"instance\": instance.id, \"at\": $now() }"},{"id":"recorded","type":"join","label":"Recorded","position":{"x":1320,"y":200}},{"id":"render","type":"parallel","label":"Render","position":{"x":1540,"y":200}},{"id":"transcodeAll","type":"map","label":"Transcode each resolution","position":{"x":1760,"y":60},"items":"$exists(input.resolutions) ? input.resolutions : [1080, 720, 480]","maxConcurrency":3},{"id":"transcode","type":"activity","label":"Transcode","parentId":"transcodeAll","position":{"x":40,"y":60},"activity":"video.transcode","input":"{ \"url\": input.url, \"file\": steps.copy, \"resolution\": item }","retry":{"maxAttempts":3,"firstIntervalMs":2000}},{"id":"thumbnail","type":"activity","label":"Make thumbnail","position":{"x":1760,"y":340},"activity":"video.thumbnail","input":"{ \"url\": input.url, \"file\": steps.copy }"},{"id":"rendered","type":"join","label":"Rendered","position":{"x":1980,"y":200}},{"id":"analyse","type":"parallel","label":"Analyse","position":{"x":2200,"y":200}},{"id":"analytics","type":"activity","label":"Video analytics","position":{"x":2420,"y":100},"activity":"video.analytics","input":"{ \"url\": input.url, \"file\": steps.copy, \"metadata\": steps.metadata }"},{"id":"voice","type":"activity","label":"Detect voice","position":{"x":2420,"y":300},"activity":"video.detectVoice","input":"{ \"url\": input.url, \"file\": steps.copy, \"metadata\": steps.metadata }"},{"id":"analysed","type":"join","label":"Analysed","position":{"x":2640,"y":200}},{"id":"notify","type":"activity","label":"Notify","position":{"x":2860,"y":200},"activity":"notify.send","input":"{ \"to\": $exists(input.notify) ? input.notify : \"video-team@example.com\", \"subject\": \"Video processed\", \"body\": \"The video \" & input.url & \" is ready in \" & $string($count(steps.transcodeAll)) & \" resolutions.\" }"},{"id":"done","type":"end","label":"Done","position":{"x":3080,"y":200},"output":"{ \"renditions\": steps.transcodeAll, \"thumbnail\": steps.thumbnail, \"analytics\": steps.analytics, \"voice\": steps.voice }"}],"edges":[{"id":"start-scan","source":"start","target":"scan"},{"id":"scan-copy","source":"scan","target":"copy"},{"id":"copy-metadata","source":"copy","target":"metadata"},{"id":"metadata-record","source":"metadata","target":"record"},{"id":"record-save","source":"record","target":"saveToDatabase"},{"id":"record-audit","source":"record","target":"audit"},{"id":"save-recorded","source":"saveToDatabase","target":"recorded"},{"id":"audit-recorded","source":"audit","target":"recorded"},{"id":"recorded-render","source":"recorded","target":"render"},{"id":"render-transcode","source":"render","target":"transcodeAll"},{"id":"render-thumbnail","source":"render","target":"thumbnail"},{"id":"transcode-rendered","source":"transcodeAll","target":"rendered"},{"id":"thumbnail-rendered","source":"thumbnail","target":"rendered"},{"id":"rendered-analyse","source":"rendered","target":"analyse"},{"id":"analyse-analytics","source":"analyse","target":"analytics"},{"id":"analyse-voice","source":"analyse","target":"voice"},{"id":"analytics-analysed","source":"analytics","target":"analysed"},{"id":"voice-analysed","source":"voice","target":"analysed"},{"id":"analysed-notify","source":"analysed","target":"notify"},{"id":"notify-done","source":"notify","target":"done"}]}', '{"type":"manual"}', 1796604583015, 1796604583015);
INSERT INTO weft_in_flight_64bd5b5.workflows (workflow_id, name, draft, trigger_def, created_at, updated_at) VALUES ('in-flight-chain', 'In-flight chain', '{"id":"in-flight-chain","name":"In-flight chain","trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","position":{"x":0,"y":0}},{"id":"echo","type":"activity","activity":"util.echo","input":"{ \"orderId\": input.orderId, \"step\": \"echo\" }","position":{"x":200,"y":0}},{"id":"fork","type":"parallel","position":{"x":400,"y":0}},{"id":"save","type":"activity","activity":"order.save","input":"{ \"orderId\": input.orderId, \"items\": [1, 2, 3], \"durationMs\": 3600000 }","position":{"x":600,"y":-100}},{"id":"pdf","type":"activity","activity":"order.createPdf","input":"{ \"orderId\": steps.echo.orderId, \"durationMs\": 3600000 }","position":{"x":600,"y":100}},{"id":"merge","type":"join","mode":"all","position":{"x":800,"y":0}},{"id":"last","type":"activity","activity":"util.echo","input":"{ \"saved\": steps.save.status, \"pages\": steps.pdf.pages }","position":{"x":1000,"y":0}},{"id":"end","type":"end","output":"{ \"orderId\": input.orderId, \"echo\": steps.echo, \"save\": steps.save, \"pdf\": steps.pdf, \"last\": steps.last }","position":{"x":1200,"y":0}}],"edges":[{"id":"start-echo","source":"start","target":"echo"},{"id":"echo-fork","source":"echo","target":"fork"},{"id":"fork-save","source":"fork","target":"save"},{"id":"fork-pdf","source":"fork","target":"pdf"},{"id":"save-merge","source":"save","target":"merge"},{"id":"pdf-merge","source":"pdf","target":"merge"},{"id":"merge-last","source":"merge","target":"last"},{"id":"last-end","source":"last","target":"end"}]}', '{"type":"manual"}', 1796604583057, 1796604583057);
INSERT INTO weft_in_flight_64bd5b5.workflows (workflow_id, name, draft, trigger_def, created_at, updated_at) VALUES ('in-flight-event', 'In-flight event wait', '{"id":"in-flight-event","name":"In-flight event wait","trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","position":{"x":0,"y":0}},{"id":"approve","type":"waitForEvent","event":"Approval","timeoutMs":3153600000000,"approval":{"title":"Approve it","choices":["Approved","Rejected"]},"position":{"x":200,"y":0}},{"id":"reply","type":"activity","activity":"util.echo","input":"{ \"decision\": steps.approve.decision, \"by\": steps.approve.by }","position":{"x":400,"y":0}},{"id":"end","type":"end","output":"{ \"orderId\": input.orderId, \"reply\": steps.reply }","position":{"x":600,"y":0}},{"id":"late","type":"end","output":"{ \"orderId\": input.orderId, \"timedOut\": true }","position":{"x":400,"y":200}}],"edges":[{"id":"start-approve","source":"start","target":"approve"},{"id":"approve-reply","source":"approve","target":"reply"},{"id":"approve-late","source":"approve","target":"late","kind":"timeout"},{"id":"reply-end","source":"reply","target":"end"}]}', '{"type":"manual"}', 1796604583165, 1796604583165);
INSERT INTO weft_in_flight_64bd5b5.workflows (workflow_id, name, draft, trigger_def, created_at, updated_at) VALUES ('in-flight-timer', 'In-flight timer', '{"id":"in-flight-timer","name":"In-flight timer","trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","position":{"x":0,"y":0}},{"id":"nap","type":"delay","durationMs":30000,"position":{"x":200,"y":0}},{"id":"woke","type":"activity","activity":"util.echo","input":"{ \"orderId\": input.orderId, \"woke\": true }","position":{"x":400,"y":0}},{"id":"end","type":"end","output":"{ \"woke\": steps.woke }","position":{"x":600,"y":0}}],"edges":[{"id":"start-nap","source":"start","target":"nap"},{"id":"nap-woke","source":"nap","target":"woke"},{"id":"woke-end","source":"woke","target":"end"}]}', '{"type":"manual"}', 1796604583231, 1796604583231);
INSERT INTO weft_in_flight_64bd5b5.workflows (workflow_id, name, draft, trigger_def, created_at, updated_at) VALUES ('in-flight-child', 'In-flight child', '{"id":"in-flight-child","name":"In-flight child","trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","position":{"x":0,"y":0}},{"id":"hold","type":"waitForEvent","event":"ChildGo","position":{"x":200,"y":0}},{"id":"work","type":"activity","activity":"util.echo","input":"{ \"from\": input.from, \"go\": steps.hold }","position":{"x":400,"y":0}},{"id":"end","type":"end","output":"{ \"child\": steps.work }","position":{"x":600,"y":0}}],"edges":[{"id":"start-hold","source":"start","target":"hold"},{"id":"hold-work","source":"hold","target":"work"},{"id":"work-end","source":"work","target":"end"}]}', '{"type":"manual"}', 1796604583268, 1796604583268);
INSERT INTO weft_in_flight_64bd5b5.workflows (workflow_id, name, draft, trigger_def, created_at, updated_at) VALUES ('in-flight-parent', 'In-flight parent', '{"id":"in-flight-parent","name":"In-flight parent","trigger":{"type":"manual"},"nodes":[{"id":"start","type":"start","position":{"x":0,"y":0}},{"id":"sub","type":"subWorkflow","workflow":"in-flight-child","version":1,"input":"{ \"from\": input.orderId }","position":{"x":200,"y":0}},{"id":"after","type":"activity","activity":"util.echo","input":"{ \"fromChild\": steps.sub }","position":{"x":400,"y":0}},{"id":"end","type":"end","output":"{ \"orderId\": input.orderId, \"after\": steps.after }","position":{"x":600,"y":0}}],"edges":[{"id":"start-sub","source":"start","target":"sub"},{"id":"sub-after","source":"sub","target":"after"},{"id":"after-end","source":"after","target":"end"}]}', '{"type":"manual"}', 1796604583308, 1796604583308);


--
-- Name: activity_tasks_id_seq; Type: SEQUENCE SET; Schema: weft_in_flight_64bd5b5; Owner: -
--

SELECT pg_catalog.setval('weft_in_flight_64bd5b5.activity_tasks_id_seq', 3, true);


--
-- Name: inbox_id_seq; Type: SEQUENCE SET; Schema: weft_in_flight_64bd5b5; Owner: -
--

SELECT pg_catalog.setval('weft_in_flight_64bd5b5.inbox_id_seq', 8, true);


--
-- Name: outbox_id_seq; Type: SEQUENCE SET; Schema: weft_in_flight_64bd5b5; Owner: -
--

SELECT pg_catalog.setval('weft_in_flight_64bd5b5.outbox_id_seq', 1, false);


--
-- Name: activity_tasks activity_tasks_pkey; Type: CONSTRAINT; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE ONLY weft_in_flight_64bd5b5.activity_tasks
    ADD CONSTRAINT activity_tasks_pkey PRIMARY KEY (id);


--
-- Name: history history_pkey; Type: CONSTRAINT; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE ONLY weft_in_flight_64bd5b5.history
    ADD CONSTRAINT history_pkey PRIMARY KEY (instance_id, seq);


--
-- Name: inbox inbox_pkey; Type: CONSTRAINT; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE ONLY weft_in_flight_64bd5b5.inbox
    ADD CONSTRAINT inbox_pkey PRIMARY KEY (id);


--
-- Name: instances instances_pkey; Type: CONSTRAINT; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE ONLY weft_in_flight_64bd5b5.instances
    ADD CONSTRAINT instances_pkey PRIMARY KEY (instance_id);


--
-- Name: kv kv_pkey; Type: CONSTRAINT; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE ONLY weft_in_flight_64bd5b5.kv
    ADD CONSTRAINT kv_pkey PRIMARY KEY (key);


--
-- Name: once_keys once_keys_pkey; Type: CONSTRAINT; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE ONLY weft_in_flight_64bd5b5.once_keys
    ADD CONSTRAINT once_keys_pkey PRIMARY KEY (key);


--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE ONLY weft_in_flight_64bd5b5.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);


--
-- Name: schema_version schema_version_pkey; Type: CONSTRAINT; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE ONLY weft_in_flight_64bd5b5.schema_version
    ADD CONSTRAINT schema_version_pkey PRIMARY KEY (version);


--
-- Name: workers workers_pkey; Type: CONSTRAINT; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE ONLY weft_in_flight_64bd5b5.workers
    ADD CONSTRAINT workers_pkey PRIMARY KEY (owner);


--
-- Name: workflow_versions workflow_versions_pkey; Type: CONSTRAINT; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE ONLY weft_in_flight_64bd5b5.workflow_versions
    ADD CONSTRAINT workflow_versions_pkey PRIMARY KEY (workflow_id, version);


--
-- Name: workflows workflows_pkey; Type: CONSTRAINT; Schema: weft_in_flight_64bd5b5; Owner: -
--

ALTER TABLE ONLY weft_in_flight_64bd5b5.workflows
    ADD CONSTRAINT workflows_pkey PRIMARY KEY (workflow_id);


--
-- Name: activity_tasks_by_available; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX activity_tasks_by_available ON weft_in_flight_64bd5b5.activity_tasks USING btree (available_at);


--
-- Name: activity_tasks_by_instance; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX activity_tasks_by_instance ON weft_in_flight_64bd5b5.activity_tasks USING btree (instance_id);


--
-- Name: activity_tasks_by_name; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX activity_tasks_by_name ON weft_in_flight_64bd5b5.activity_tasks USING btree (name, visible_at, id);


--
-- Name: activity_tasks_by_visible; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX activity_tasks_by_visible ON weft_in_flight_64bd5b5.activity_tasks USING btree (visible_at, id);


--
-- Name: inbox_by_instance; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX inbox_by_instance ON weft_in_flight_64bd5b5.inbox USING btree (instance_id, id);


--
-- Name: inbox_by_visible; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX inbox_by_visible ON weft_in_flight_64bd5b5.inbox USING btree (visible_at, instance_id);


--
-- Name: instances_by_created; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX instances_by_created ON weft_in_flight_64bd5b5.instances USING btree (created_at DESC, instance_id DESC);


--
-- Name: instances_by_lease; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX instances_by_lease ON weft_in_flight_64bd5b5.instances USING btree (lease_expires_at) WHERE (lease_expires_at IS NOT NULL);


--
-- Name: instances_by_name; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX instances_by_name ON weft_in_flight_64bd5b5.instances USING btree (name, created_at DESC, instance_id DESC);


--
-- Name: instances_by_parent; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX instances_by_parent ON weft_in_flight_64bd5b5.instances USING btree (parent_instance_id) WHERE (parent_instance_id IS NOT NULL);


--
-- Name: instances_by_status; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX instances_by_status ON weft_in_flight_64bd5b5.instances USING btree (status, created_at DESC, instance_id DESC);


--
-- Name: instances_by_tags; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX instances_by_tags ON weft_in_flight_64bd5b5.instances USING gin (((tags)::jsonb) jsonb_path_ops);


--
-- Name: once_keys_by_expiry; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX once_keys_by_expiry ON weft_in_flight_64bd5b5.once_keys USING btree (expires_at);


--
-- Name: outbox_by_instance; Type: INDEX; Schema: weft_in_flight_64bd5b5; Owner: -
--

CREATE INDEX outbox_by_instance ON weft_in_flight_64bd5b5.outbox USING btree (instance_id, id) WHERE (instance_id IS NOT NULL);


--
-- PostgreSQL database dump complete
--


